// Vite imports the page's stylesheet as a module.
declare module '*.css';
/** Which build this is (web/vite/csp.ts): published, developer or pack. */
declare const __SEALBOX_PAGE_BUILD__: 'published' | 'developer' | 'pack';

// Vite imports the page's stylesheet as a module.
declare module '*.css';

// A Vite plugin that gives each build of the page its Content-Security-Policy
// (see csp.ts) and, for the evidence pack's build, makes the page one file:
// its script and stylesheet inlined into verify.html, nothing else written.
import type { Plugin } from 'vite';
import { contentSecurityPolicy, type PageBuild } from './csp.ts';

const CSP_META = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/;

function setCsp(html: string, csp: string): string {
  if (!CSP_META.test(html)) throw new Error('web/index.html has no Content-Security-Policy meta');
  return html.replace(CSP_META, (_, a: string, b: string) => `${a}${csp}${b}`);
}

// Inline text that would end its element early, or open an HTML comment
// inside a script, cannot be placed in the page as it is.
function inlineable(text: string, what: string): string {
  if (/<\/(script|style)|<!--/i.test(text))
    throw new Error(`${what} contains </script, </style or <!--: it cannot be inlined as it is`);
  return text;
}

export function pagePlugin(build: PageBuild): Plugin {
  return {
    name: 'sealbox-page',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => (build === 'pack' ? html : setCsp(html, contentSecurityPolicy(build))),
    },
    generateBundle(_, bundle) {
      if (build !== 'pack') return;
      const page = bundle['index.html'];
      if (!page || page.type !== 'asset') throw new Error('the build made no index.html');
      let html = String(page.source);
      const scripts: string[] = [];
      const styles: string[] = [];
      for (const [name, item] of Object.entries(bundle)) {
        if (name === 'index.html') continue;
        const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (item.type === 'chunk') {
          const tag = new RegExp(`<script type="module"[^>]*src="\\./${escaped}"[^>]*></script>`);
          if (!tag.test(html)) throw new Error(`${name}: a script the page does not load`);
          const code = inlineable(item.code, name);
          scripts.push(code);
          html = html.replace(tag, () => `<script type="module">${code}</script>`);
        } else if (name.endsWith('.css')) {
          const tag = new RegExp(`<link rel="stylesheet"[^>]*href="\\./${escaped}"[^>]*>`);
          if (!tag.test(html)) throw new Error(`${name}: a stylesheet the page does not load`);
          const css = inlineable(String(item.source), name);
          styles.push(css);
          html = html.replace(tag, () => `<style>${css}</style>`);
        } else {
          throw new Error(`${name}: the one-file page cannot carry a separate file`);
        }
        delete bundle[name];
      }
      if (scripts.length !== 1) throw new Error(`expected one script, found ${scripts.length}`);
      delete bundle['index.html'];
      this.emitFile({
        type: 'asset',
        fileName: 'verify.html',
        source: setCsp(html, contentSecurityPolicy('pack', { scripts, styles })),
      });
    },
  };
}

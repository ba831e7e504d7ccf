// The uni-app files of the guide (section 4) as one app: Vue single-file components compiled
// by Vue's own compiler, uni's built-in components (`<view>`, `<text>`, …) left to the
// renderer as uni-app's compiler leaves them to WeChat. The test supplies `vue` and `uni`.

import { createHash } from 'node:crypto';
import * as vue from 'vue';
import type { Component } from 'vue';
import { compileScript, parse } from 'vue/compiler-sfc';
import { guideFiles } from './snippets.js';
import { appEntry, buildProject, GUIDE_BASE_URL, runProject } from './snippet-project.js';

const UNI_COMPONENTS = new Set(['view', 'text', 'image', 'scroll-view', 'swiper', 'swiper-item', 'navigator', 'rich-text']);

function compileVue(path: string, source: string) {
  const { descriptor, errors } = parse(source, { filename: path });
  if (errors.length > 0) throw new Error(`${path}: ${errors.map(String).join('; ')}`);
  const id = createHash('sha256').update(path).digest('hex').slice(0, 8);
  const script = compileScript(descriptor, {
    id,
    inlineTemplate: true,
    templateOptions: { compilerOptions: { isCustomElement: (tag) => UNI_COMPONENTS.has(tag) } },
  });
  return { contents: script.content, loader: 'js' as const };
}

export const UNI_APP_FILES = guideFiles('## 4.');

let built: Promise<string> | undefined;

/** The app bundle: main.js's createApp and every page. */
function bundle(): Promise<string> {
  built ??= buildProject({
    files: UNI_APP_FILES,
    entry: appEntry('src/main.js', UNI_APP_FILES),
    external: ['vue'],
    compile: (path, source) => (path.endsWith('.vue') ? compileVue(path, source) : undefined),
    templateFiles: { 'src/App.vue': '<script>\nexport default {};\n</script>\n' },
  });
  return built;
}

export interface UniApp {
  mount(element: unknown): void;
  /** Shows a page of the guide, e.g. `src/pages/index/index.vue`. */
  open(page: string): void;
  unmount(): void;
}

/**
 * Starts the guide's app over this phone's `uni`, talking to `baseURL` where the guide says `https://api.example.com`. uni-app's runtime mounts each page inside the
 * app that main.js made; here one root component shows the page that is open.
 */
export async function startUniApp(uni: unknown, baseURL: string): Promise<UniApp> {
  const current = vue.shallowRef<Component | null>(null);
  const frame = { render: () => (current.value ? vue.h(current.value) : null) };
  const code = (await bundle()).replaceAll(GUIDE_BASE_URL, baseURL);
  const app = runProject(code, { vue: { ...vue, createSSRApp: () => vue.createApp(frame) } }, { uni }) as {
    app: { createApp(): { app: vue.App } };
    pages: Record<string, Component>;
  };
  const { app: made } = app.app.createApp();
  return {
    mount: (element) => void made.mount(element as Element),
    open(page) {
      const component = app.pages[page];
      if (!component) throw new Error(`the guide has no page ${page}`);
      current.value = component;
    },
    unmount: () => made.unmount(),
  };
}

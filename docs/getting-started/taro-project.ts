// The Taro files of the guide (section 5) as one app, built as Taro builds for WeChat: TSX with
// React's automatic runtime, `@tarojs/components` as the weapp plugin's host components
// (`View` is `'view'`), `Taro` supplied per phone. React 18 and react-dom render it in jsdom,
// each page inside the app component, as Taro renders pages inside the App.

import * as react from 'react';
import type { ComponentType, ReactNode } from 'react';
import * as jsxRuntime from 'react/jsx-runtime';
import { createRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { guideFiles } from './snippets.js';
import { appEntry, buildProject, GUIDE_BASE_URL, runProject } from './snippet-project.js';

export const TARO_FILES = guideFiles('## 5.');

// react-dom stands in for Taro's renderer, which hands `view`, `openType`, `onChooseAvatar`… to
// WeChat; react-dom does not know WeChat's components and says so for each. Those notes only.
const WECHAT_HOST_NOTES = /unrecognized in this browser|React does not recognize the `[^`]+` prop|Unknown event handler property/;
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && WECHAT_HOST_NOTES.test(args[0])) return;
  consoleError(...args);
};

let built: Promise<string> | undefined;

function bundle(): Promise<string> {
  built ??= buildProject({
    files: TARO_FILES,
    entry: appEntry('src/app.tsx', TARO_FILES),
    external: ['react', 'react/jsx-runtime', '@tarojs/taro'],
    alias: { '@tarojs/components': '@tarojs/plugin-platform-weapp/dist/components-react.js' },
    templateFiles: { 'src/app.scss': '' }, // Taro's template makes it; the guide leaves it as it is
  });
  return built;
}

export interface TaroApp {
  /** Shows a page of the guide, e.g. `src/pages/index/index.tsx`. */
  open(page: string): void;
  unmount(): void;
}

/** Starts the guide's app over this phone's `Taro`, talking to `baseURL`; renders into `element`. */
export async function startTaroApp(taro: unknown, baseURL: string, element: unknown): Promise<TaroApp> {
  const code = (await bundle()).replaceAll(GUIDE_BASE_URL, baseURL);
  const app = runProject(code, {
    react,
    'react/jsx-runtime': jsxRuntime,
    '@tarojs/taro': { __esModule: true, default: taro },
  }, {}) as { app: { default: ComponentType<{ children?: ReactNode }> }; pages: Record<string, ComponentType> };
  const root: Root = createRoot(element as HTMLElement);
  return {
    open(page) {
      const component = app.pages[page];
      if (!component) throw new Error(`the guide has no page ${page}`);
      root.render(react.createElement(app.app.default, null, react.createElement(component)));
    },
    unmount: () => root.unmount(),
  };
}

// uni-app's and Taro's own API packages, running over one phone's `wx` as on WeChat: each is
// bundled the way the framework's build does for WeChat (uni-app aliases `vue` to its mini
// program runtime; Taro defines its build flags and loads its weapp platform plugin, whose
// initNativeApi wraps `wx`), then evaluated with the phone's `wx`, `getCurrentPages` and
// `getApp` as the mini program's globals. One bundle per process, one evaluation per phone.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { WxRuntime } from '../../simulator/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const UNI_ENTRY = "export { default } from '@dcloudio/uni-mp-weixin/dist/uni.api.esm.js';";
const TARO_ENTRY = "import '@tarojs/plugin-platform-weapp/dist/runtime';\nexport { default } from '@tarojs/taro';";

const env = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [`process.env.${key}`, JSON.stringify(value)]));

const UNI_DEFINE = env({ NODE_ENV: 'development', UNI_PLATFORM: 'mp-weixin', UNI_SUB_PLATFORM: '', UNI_APP_ID: '' });
const TARO_DEFINE = {
  ...env({ NODE_ENV: 'development', TARO_ENV: 'weapp', TARO_PLATFORM: 'mini', FRAMEWORK: 'react', SUPPORT_TARO_POLYFILL: 'disabled' }),
  // Taro's own defaults for its build flags.
  ENABLE_INNER_HTML: 'true', ENABLE_ADJACENT_HTML: 'false', ENABLE_SIZE_APIS: 'false', ENABLE_TEMPLATE_CONTENT: 'false',
  ENABLE_CLONE_NODE: 'false', ENABLE_CONTAINS: 'false', ENABLE_MUTATION_OBSERVER: 'false',
};

async function bundle(contents: string, options: { define: Record<string, string>; alias?: Record<string, string> }) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2017',
    logLevel: 'error',
    define: options.define,
    ...(options.alias ? { alias: options.alias } : {}),
  });
  return result.outputFiles[0]!.text;
}

const bundles = new Map<string, Promise<string>>();

function once(name: string, make: () => Promise<string>): Promise<string> {
  let code = bundles.get(name);
  if (!code) {
    code = make();
    bundles.set(name, code);
  }
  return code;
}

/** Runs a CommonJS bundle with the mini program's globals, as the app service does. */
function evaluate(code: string, phone: WxRuntime): unknown {
  const module = { exports: {} as { default?: unknown } };
  const load = new Function('module', 'exports', 'require', 'wx', 'getCurrentPages', 'getApp', 'requireMiniProgram', code);
  // `requireMiniProgram` present: uni-app then leaves the real global `wx` alone.
  load(module, module.exports, createRequire(import.meta.url), phone.wx, phone.getCurrentPages, () => ({}), () => undefined);
  return module.exports.default;
}

/** `uni`, from @dcloudio/uni-mp-weixin, over this phone. */
export async function loadUni(phone: WxRuntime): Promise<unknown> {
  const code = await once('uni', () => bundle(UNI_ENTRY, { define: UNI_DEFINE, alias: { vue: '@dcloudio/uni-mp-vue' } }));
  return evaluate(code, phone);
}

/** `Taro`, from @tarojs/taro with @tarojs/plugin-platform-weapp, over this phone. */
export async function loadTaro(phone: WxRuntime): Promise<unknown> {
  const code = await once('taro', () => bundle(TARO_ENTRY, { define: TARO_DEFINE }));
  return evaluate(code, phone);
}

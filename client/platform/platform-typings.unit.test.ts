// The adapters' structural types against the frameworks' own typings, and what an app compiles
// without any of them. Each check is a TypeScript program over a small app file, as a project
// using miniauth would compile it: WeChat's `wx` (miniprogram-api-typings), uni-app's `uni`
// (@dcloudio/types), Taro's `Taro` (@tarojs/taro) must each fit its adapter, and the SDK's
// published declarations must name none of those typings.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = join(root, '.typings-check'); // never written: the files live in memory

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
}

/** A program whose extra files (absolute path → text) exist only in memory; its diagnostics in those files. */
function compile(files: Map<string, string>, options: ts.CompilerOptions, roots = [...files.keys()]) {
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.directoryExists = (name) => [...files.keys()].some((file) => file.startsWith(`${name}/`)) || (directoryExists?.(name) ?? false);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, language, ...rest) : ts.createSourceFile(name, text, language);
  };
  const program = ts.createProgram(roots, options, host);
  return { program, host };
}

function errorsIn(program: ts.Program, files: Iterable<string>): string[] {
  return [...files].flatMap((name) => {
    const source = program.getSourceFile(name);
    if (!source) return [`${name}: not in the program`];
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
      (d) => `${name}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
  });
}

/** An app file beside the adapters, compiled with the repository's options and one framework's typings. */
function appErrors(name: string, text: string): string[] {
  const file = join(root, 'client', 'platform', `${name}.app.ts`);
  const { program } = compile(new Map([[file, text]]), { ...compilerOptions(), noEmit: true });
  return errorsIn(program, [file]);
}

describe('the adapters fit the frameworks’ own typings', { timeout: 120_000 }, () => {
  it("WeChat's wx (miniprogram-api-typings) fits wxPlatform", () => {
    expect(appErrors('wechat', [
      '/// <reference types="miniprogram-api-typings" />',
      "import type { WxApi } from './wx-api.js';",
      "import { wxPlatform } from './wx-platform.js';",
      'const api: WxApi = wx;',
      'wxPlatform(wx);',
      'export { api };',
    ].join('\n'))).toEqual([]);
  });

  it("uni-app's uni (@dcloudio/types) answers each call uniPlatform makes as it expects", () => {
    // uni's typings give each call a callback overload and a promise one; a whole-object check
    // cannot pick between them, so each call is made as the adapter makes it.
    expect(appErrors('uni', [
      '/// <reference types="@dcloudio/types" />',
      "import type { UniApi } from './uni-platform.js';",
      'type Call<K extends keyof UniApi> = Parameters<UniApi[K]>;',
      'type Answer<K extends keyof UniApi> = ReturnType<UniApi[K]>;',
      "export function calls(login: Call<'login'>[0], request: Call<'request'>[0], page: Call<'redirectTo'>[0],",
      "  toast: Call<'showToast'>[0], loading: Call<'showLoading'>[0], key: string, value: Call<'setStorageSync'>[1]) {",
      "  const answers: { [K in keyof UniApi]: Answer<K> } = {",
      '    login: uni.login(login),',
      '    request: uni.request(request),',
      '    redirectTo: uni.redirectTo(page),',
      '    reLaunch: uni.reLaunch(page),',
      '    showToast: uni.showToast(toast),',
      '    showLoading: uni.showLoading(loading),',
      '    hideLoading: uni.hideLoading(),',
      '    getStorageSync: uni.getStorageSync(key),',
      '    setStorageSync: uni.setStorageSync(key, value),',
      '    removeStorageSync: uni.removeStorageSync(key),',
      '  };',
      '  return answers;',
      '}',
    ].join('\n'))).toEqual([]);
  });

  it("Taro (@tarojs/taro) fits taroPlatform", () => {
    expect(appErrors('taro', [
      "import Taro from '@tarojs/taro';",
      "import type { TaroApi } from './taro-platform.js';",
      "import { taroPlatform } from './taro-platform.js';",
      'const api: TaroApi = Taro;',
      'taroPlatform(Taro);',
      'export { api };',
    ].join('\n'))).toEqual([]);
  });
});

const ENTRIES = ['client/index.ts', 'client/bindings/vue.ts', 'client/bindings/react.ts', 'client/platform/uni-platform.ts', 'client/platform/taro-platform.ts'];

describe("the SDK's declarations", { timeout: 120_000 }, () => {
  it('name no platform typings, and an app without any compiles against them', () => {
    const out = join(scratch, 'dist');
    const emitted = new Map<string, string>();
    const options = { ...compilerOptions(), noEmit: false, declaration: true, emitDeclarationOnly: true, sourceMap: false, outDir: out, rootDir: root };
    const { program } = compile(new Map(), options, ENTRIES.map((entry) => join(root, entry)));
    program.emit(undefined, (name, text) => emitted.set(name, text));
    expect(emitted.size).toBeGreaterThan(ENTRIES.length);
    const naming = [...emitted].filter(([, text]) => /WechatMiniprogram|miniprogram-api-typings|UniNamespace|@tarojs|@dcloudio/.test(text));
    expect(naming.map(([name]) => name)).toEqual([]);

    const app = join(scratch, 'app.ts');
    const files = new Map([...emitted, [app, [
      "import { createMiniAuth, isMiniAuthError, wxPlatform } from './dist/client/index.js';",
      "import { authVuePlugin, useAuth } from './dist/client/bindings/vue.js';",
      "import { AuthProvider, useAuth as useReactAuth } from './dist/client/bindings/react.js';",
      "import { uniPlatform } from './dist/client/platform/uni-platform.js';",
      "import { taroPlatform } from './dist/client/platform/taro-platform.js';",
      'declare const wx: Parameters<typeof wxPlatform>[0];',
      "const auth = createMiniAuth({ baseURL: 'https://api.example.com', platform: wxPlatform(wx), profile: 'required' });",
      "auth.request<{ user: { nickname: string } }>({ url: '/me' }).catch((e: unknown) => isMiniAuthError(e) && e.code);",
      'export { auth, authVuePlugin, useAuth, AuthProvider, useReactAuth, uniPlatform, taroPlatform };',
    ].join('\n')]]);
    // An app's own settings: no Node, no DOM, no WeChat typings; our declarations checked in full.
    const appOptions: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2017, lib: ['lib.es2020.d.ts'], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true, types: [], noEmit: true, skipLibCheck: false,
    };
    const { program: appProgram } = compile(files, appOptions, [app]);
    expect(errorsIn(appProgram, [app, ...[...emitted.keys()].filter((name) => appProgram.getSourceFile(name))])).toEqual([]);
  });
});

/// <reference types="miniprogram-api-typings" preserve="true" />

/**
 * What the phone says about itself: `wx.getAppBaseInfo`, `getWindowInfo` and `getDeviceInfo`
 * (base library 2.20.1+; frameworks such as uni-app read them when they load). The values are
 * those of the devtools' default iPhone.
 */

export const BASE_LIBRARY_VERSION = '3.4.0';

type DeviceInfoApi = Pick<WechatMiniprogram.Wx, 'getAppBaseInfo' | 'getWindowInfo' | 'getDeviceInfo'>;

export function deviceInfoApi(appId: string): DeviceInfoApi {
  return {
    getAppBaseInfo: () => ({
      SDKVersion: BASE_LIBRARY_VERSION,
      PCKernelVersion: '',
      enableDebug: false,
      fontSizeScaleFactor: 1,
      fontSizeSetting: 16,
      host: { appId },
      language: 'zh_CN',
      version: '8.0.5',
      theme: 'light',
    }),
    getWindowInfo: () => ({
      pixelRatio: 3,
      screenWidth: 375,
      screenHeight: 812,
      screenTop: 0,
      windowWidth: 375,
      windowHeight: 812,
      statusBarHeight: 44,
      safeArea: { top: 44, left: 0, right: 375, bottom: 778, width: 375, height: 734 },
    }),
    getDeviceInfo: () => ({
      abi: 'arm64',
      deviceAbi: 'arm64',
      benchmarkLevel: 1,
      brand: 'devtools',
      cpuType: 'unknown',
      memorySize: '4096',
      model: 'iPhone X',
      platform: 'devtools',
      system: 'iOS 10.0.1',
    }),
  };
}

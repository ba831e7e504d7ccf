// A Stryker ignorer: the `description` texts of the login chart are documentation for the
// inspector and the docs' diagrams; changing one changes no behaviour, so no mutant there.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'chart-descriptions', {
    shouldIgnore(path) {
      const parent = path.parentPath;
      if (path.isStringLiteral?.() && parent?.isObjectProperty?.() && parent.node.key?.name === 'description') {
        return 'a description documents the chart; it changes no behaviour';
      }
      return undefined;
    },
  }),
];

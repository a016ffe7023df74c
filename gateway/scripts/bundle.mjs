// Bundles the gateway's browser pages with esbuild into dist/public/<page>/ (run after tsc by
// `npm run build`): the plaza screen, its phone support page, and GraphiQL. Every asset the
// pages load comes from here, so they work on a plaza network without internet.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (page) => join(root, 'dist', 'public', page);

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'eof',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

export async function bundle() {
  await Promise.all([
    build({
      ...common,
      entryPoints: {
        screen: join(root, 'src/screen/client/screen.ts'),
        support: join(root, 'src/screen/client/support.ts'),
      },
      outdir: out('screen'),
    }),
    build({ ...common, entryPoints: { screen: join(root, 'src/screen/client/screen.css'), support: join(root, 'src/screen/client/support.css') }, outdir: out('screen') }),
    build({
      ...common,
      entryPoints: { explorer: join(root, 'src/explorer/client/explorer.ts') },
      outdir: out('graphiql'),
      loader: { '.woff2': 'dataurl', '.woff': 'dataurl', '.ttf': 'dataurl', '.png': 'dataurl', '.svg': 'dataurl' },
    }),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await bundle();
  console.log(`bundled the screen and GraphiQL into dist/public in ${Date.now() - started} ms`);
}

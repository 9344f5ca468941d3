// Bundles GraphiQL and Monaco's editor workers into ../wwwroot/graphiql, which ASP.NET serves as static files.
// Run by TwinServer.csproj before every build whose inputs changed; the output is generated, so it is not in git.
import * as esbuild from 'esbuild';

const outdir = '../wwwroot/graphiql';
const common = {
  bundle: true,
  minify: true,
  legalComments: 'linked',
  target: 'es2022',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

await Promise.all([
  // The page's script is an ES module so that it can find its workers relative to import.meta.url.
  esbuild.build({
    ...common,
    entryPoints: { graphiql: 'main.jsx' },
    outdir,
    format: 'esm',
    loader: { '.ttf': 'file' },
  }),
  // Classic workers, one file each, with the names main.jsx asks for.
  esbuild.build({
    ...common,
    entryPoints: {
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
      'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
    },
    outdir,
    format: 'iife',
  }),
]);

// GraphiQL for /graphql, served by the same server: no CDN, everything comes from ../wwwroot/graphiql (build.mjs).
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';

// Monaco runs its language services in web workers and GraphiQL 5 would load them from esm.sh by default;
// build.mjs bundles them beside this file, so point Monaco at those.
const workers = { json: 'json.worker.js', graphql: 'graphql.worker.js' };
globalThis.MonacoEnvironment = {
  getWorker: (_workerId, label) => new Worker(new URL(workers[label] ?? 'editor.worker.js', import.meta.url)),
};

/**
 * POSTs to /graphql on this origin with the headers the user wrote in GraphiQL's Headers tab (an integrator's
 * `{"X-Api-Key": "..."}` works without signing in; a key wins over the session, as everywhere). A 400 with errors is
 * still a GraphQL result, so the body is read either way.
 */
async function fetcher(request, options) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
      ...(options?.headers ?? {}),
    },
    body: JSON.stringify(request),
  });
  return response.json();
}

createRoot(document.getElementById('graphiql')).render(
  createElement(GraphiQL, { fetcher, defaultQuery: '{\n  layers {\n    name\n    kind\n  }\n}\n' }),
);

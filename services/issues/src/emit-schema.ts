import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIssuesSchema } from './schema';

/** Writes the subgraph SDL that the gateway's supergraph is composed from. */
buildIssuesSchema().then(({ sdl }) => {
  writeFileSync(join(__dirname, '..', 'schema.graphql'), sdl);
  console.log('wrote services/issues/schema.graphql');
});

import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSessionsSchema } from './schema';

/** Writes the subgraph SDL that the gateway's supergraph is composed from. */
buildSessionsSchema().then(({ sdl }) => {
  writeFileSync(join(__dirname, '..', 'schema.graphql'), sdl);
  console.log('wrote services/sessions/schema.graphql');
});

import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIssuesSchema } from './schema';

/** Writes the subgraph SDL that the gateway's supergraph is composed from. */
buildIssuesSchema()
  .then(({ sdl }) => {
    writeFileSync(join(__dirname, '..', 'schema.graphql'), sdl);
    console.log('wrote services/issues/schema.graphql');
  })
  .catch((err: unknown) => {
    // Said explicitly rather than left to the unhandled-rejection default: exit 1, so `npm run compose` stops.
    console.error(err);
    process.exit(1);
  });

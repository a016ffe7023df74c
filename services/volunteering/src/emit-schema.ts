import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildVolunteeringSchema } from './schema';

/** Writes the subgraph SDL that the gateway's supergraph is composed from. */
buildVolunteeringSchema()
  .then(({ sdl }) => {
    writeFileSync(join(__dirname, '..', 'schema.graphql'), sdl);
    console.log('wrote services/volunteering/schema.graphql');
  })
  .catch((err: unknown) => {
    // Said explicitly rather than left to the unhandled-rejection default: exit 1, so `npm run compose` stops.
    console.error(err);
    process.exit(1);
  });

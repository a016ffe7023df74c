import { GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { CalendarDateScalar, DateTimeScalar } from '@plaza/shared';

/**
 * The supergraph declares `scalar DateTime` and `scalar Date` without their rules, so the
 * gateway would accept any value and pass it on, and the subgraph's refusal came back to the
 * client as a raw "400: Bad Request". Giving the gateway's schema the subgraphs' own parsers
 * makes a bad literal fail validation and a bad variable fail coercion here, before any call.
 * Serialisation stays as it is: results pass through as the subgraphs wrote them.
 */
const STRICT: Record<string, GraphQLScalarType> = { DateTime: DateTimeScalar, Date: CalendarDateScalar };

export function hardenScalars(schema: GraphQLSchema): void {
  for (const [name, strict] of Object.entries(STRICT)) {
    const type = schema.getType(name);
    if (type instanceof GraphQLScalarType) Object.assign(type, { parseValue: strict.parseValue, parseLiteral: strict.parseLiteral });
  }
}

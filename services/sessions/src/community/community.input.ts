import { parseInput, text } from '@plaza/shared';
import { Field, InputType } from 'type-graphql';
import { z } from 'zod';

@InputType()
export class CreateCommunityInput {
  @Field()
  name!: string;

  @Field()
  subdistrict!: string;
}

const createCommunitySchema = z.object({ name: text(50), subdistrict: text(50) });
export const parseCreateCommunity = (input: CreateCommunityInput) => parseInput(createCommunitySchema, input);

const addGridSchema = z.object({
  name: text(50),
  gridWorker: z
    .string()
    .nullish()
    .transform((s) => (s?.trim() ? s.trim() : null)),
});
export const parseAddGrid = (args: { name: string; gridWorker?: string | null }) => parseInput(addGridSchema, args, '');

/** Small TypeBox helpers shared by the model declarations and the API schemas. */
import { Type, type TNull, type TSchema, type TUnion, type TUnsafe } from '@sinclair/typebox';

/** A string that is one of a fixed list of values, with the list in the schema. */
export const literals = <T extends string>(values: readonly T[], description?: string): TUnsafe<T> =>
  Type.Unsafe<T>(Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {}));

export const nullable = <T extends TSchema>(schema: T): TUnion<[T, TNull]> => Type.Union([schema, Type.Null()]);

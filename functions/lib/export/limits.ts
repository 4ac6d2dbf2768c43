/** The most cases one export holds (API.md, Export): more is `400`, asking to narrow the range. */
export const MAX_EXPORT_CASES = 1_000;

// Form problems, shared by the forms' error summaries and their fields.

/** One problem to list in the error summary: its message and the id of the field to focus. */
export type FormProblem = { fieldId: string; message: string };

/** The id of the field with a problem, or undefined: `aria-describedby` for a field. */
export function describedBy(...ids: Array<string | false | undefined | null>): string | undefined {
  const present = ids.filter((id): id is string => typeof id === "string" && id !== "");
  return present.length > 0 ? present.join(" ") : undefined;
}

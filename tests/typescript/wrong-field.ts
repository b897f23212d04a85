// Must NOT type-check: `.ci/contract` fails if the generated client accepts a misspelled field.
// Each line below is one mistake a client author could make; tsc must name each of them.
import type { components } from "./generated/api.js";

type Schemas = components["schemas"];

export const misspelledSubmit: Schemas["SubmitRequest"] = { answerz: [] };
export const unknownKind: Schemas["QuestionBody"] = {
  kind: "yes_no", id: "q", prompt: "p", competencies: [], answer: true,
};
export const wrongKey: Schemas["QuestionBody"] = {
  kind: "true_false", id: "q", prompt: "p", competencies: [], answer: "yes",
};
export const wrongShape: Schemas["ResponseBody"] = { choise: "a" };

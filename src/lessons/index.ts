/**
 * Self-paced lessons (lessons/README.md): reading and validating lesson.md files, grading
 * answers, evaluating checks, rendering sanitized Markdown. Pure TypeScript with no Node or DOM
 * APIs and engine types only, shared by the Node checker/runner (src/cli/lessons) and the
 * browser player (src/ui/lessons).
 */
export { parseLesson, MIN_TASKS } from './parse.ts';
export type { Lesson, Step, ParseResult } from './parse.ts';
export { validateLessons, orderLessons, stepHost } from './validate.ts';
export type { LessonContext, ScenarioFacts } from './validate.ts';
export { formatLessonError } from './yaml.ts';
export type { LessonError } from './yaml.ts';
export { evaluateCheck, packetMatches, describeMatch, sameLinkValue, uiFieldsRead } from './check.ts';
export type { CheckResult, Observation, ObservedEvent, PacketInfo, UiSnapshot } from './check.ts';
export { expectedAnswer, grade, formatExpected, needsRun, normalizeAddress, parseNumber } from './answers.ts';
export type { Expected, Grade } from './answers.ts';
export { renderMarkdown, renderInline, safeLink } from './markdown.ts';
export { LESSON_VIEWS, LEVELS, LINK_FIELDS } from './schema.ts';
export type { Answer, AnswerValue, Check, CommandTask, FrontMatter, Level, LessonPacketMatch, LessonView, PredictTask, QuestionTask, Task, UiAction, UiTask } from './schema.ts';

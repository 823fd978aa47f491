/**
 * The lesson format (lessons/README.md) as zod schemas: the front matter of `lesson.md` and
 * the YAML of each ```task block. Cross-field rules (a question's solution fits its answer,
 * a command task has a check, ...) live in parse.ts, which reports them with the same
 * file:line: field: message shape as these.
 *
 * Pure: no Node or DOM APIs, so the browser player and the Node checker share it.
 */
import { z } from 'zod';

/** The app's views (must equal ALL_VIEWS in src/ui/lab/store.ts; a test keeps them in step). */
export const LESSON_VIEWS = ['topology', 'ladder', 'inspector', 'events', 'layers', 'charts', 'node', 'editor', 'terminal'] as const;
export type LessonView = (typeof LESSON_VIEWS)[number];

export const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type Level = (typeof LEVELS)[number];

export const PACKET_PROTOCOLS = ['arp', 'ipv4', 'ipv6', 'icmp', 'icmpv6', 'udp', 'tcp'] as const;
export const LINK_FIELDS = ['bandwidth', 'delay', 'loss', 'queue', 'mtu', 'qdisc'] as const;
export type LinkField = (typeof LINK_FIELDS)[number];

/** Regular expressions are compiled when the lesson is read: a bad one is a lesson error. */
function regexError(source: string): string | null {
  try {
    new RegExp(source, 'm');
    return null;
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return `invalid regular expression /${source}/: ${why}`;
  }
}

const regex = z.string().superRefine((s, ctx) => {
  const err = regexError(s);
  if (err) ctx.addIssue({ code: 'custom', message: err });
});

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes (a lesson id)');
const nonEmpty = z.string().trim().min(1, 'must not be empty');
const duration = z.string().regex(/^\s*[0-9]*\.?[0-9]+\s*(ns|us|ms|s)\s*$/, 'expected a duration such as "2.5s" or "300ms"');

export const FrontMatterSchema = z.strictObject({
  id: slug,
  title: nonEmpty,
  summary: nonEmpty,
  level: z.enum(LEVELS),
  minutes: z.number().int().positive(),
  prerequisites: z.array(slug).default([]),
  topics: z.array(nonEmpty).default([]),
  scenario: z.string().regex(/^(?:[a-z][a-z0-9-]*|\.\/scenario\.json)$/, 'expected a built-in scenario name or ./scenario.json'),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  host: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a host name').optional(),
  views: z.array(z.enum(LESSON_VIEWS)).optional(),
});
export type FrontMatter = z.infer<typeof FrontMatterSchema>;

export const PacketMatchSchema = z.strictObject({
  protocol: z.enum(PACKET_PROTOCOLS).optional(),
  src: z.string().optional(),
  dst: z.string().optional(),
  srcPort: z.number().int().min(0).max(65535).optional(),
  dstPort: z.number().int().min(0).max(65535).optional(),
  icmpType: z.number().int().min(0).max(255).optional(),
});
export type LessonPacketMatch = z.infer<typeof PacketMatchSchema>;

const count = z.strictObject({
  atLeast: z.number().int().min(0).optional(),
  atMost: z.number().int().min(0).optional(),
  exactly: z.number().int().min(0).optional(),
});

export const TraceCheckSchema = z.strictObject({
  kind: z.string().regex(/^[a-z0-9]+(\.[A-Za-z0-9]+)+$/, 'expected a trace kind name such as icmp.tx'),
  node: z.string().optional(),
  text: regex.optional(),
  count: count.optional(),
});
export type TraceCheck = z.infer<typeof TraceCheckSchema>;

const linkValue = z.union([z.number(), z.string()]);

export const UiCheckSchema = z.strictObject({
  paused: z.boolean().optional(),
  selectedPacket: PacketMatchSchema.optional(),
  link: z.strictObject({ index: z.number().int().min(0), field: z.enum(LINK_FIELDS), equals: linkValue }).optional(),
});
export type UiCheck = z.infer<typeof UiCheckSchema>;

export const CheckSchema = z.strictObject({
  output: z.strictObject({ matches: regex.optional(), notMatches: regex.optional() }).optional(),
  trace: z.union([TraceCheckSchema, z.array(TraceCheckSchema).min(1)]).optional(),
  ui: UiCheckSchema.optional(),
});
export type Check = z.infer<typeof CheckSchema>;

/**
 * An object that is one of several shapes told apart by which key it has (`{ pause: true }`,
 * `{ choice: [...] }`): validated against the matching shape so errors name real fields.
 */
function keyed<S extends Record<string, z.ZodType>>(shapes: S, what: string) {
  return z.unknown().transform((v, ctx): z.output<S[keyof S]> => {
    const keys = Object.keys(shapes);
    const key = v && typeof v === 'object' && !Array.isArray(v) ? keys.find((k) => k in v) : undefined;
    if (key === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${what}: an object with one of ${keys.join(', ')}` });
      return z.NEVER;
    }
    const r = shapes[key]!.safeParse(v);
    if (!r.success) {
      for (const issue of r.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message, path: issue.path } as never);
      return z.NEVER;
    }
    return r.data as z.output<S[keyof S]>;
  });
}

const fromOutput = z.strictObject({ fromOutput: regex });
export type FromOutput = z.infer<typeof fromOutput>;

export const AnswerSchema = keyed(
  {
    choice: z.strictObject({ choice: z.array(z.union([nonEmpty, z.number().transform(String)])).min(2, 'needs at least two options'), correct: z.number().int().min(0) }),
    number: z.strictObject({ number: z.union([z.number(), fromOutput]), tolerance: z.number().min(0).default(0) }),
    address: z.strictObject({ address: z.union([nonEmpty, fromOutput]) }),
    text: z.strictObject({ text: z.union([nonEmpty, fromOutput]), caseSensitive: z.boolean().default(false) }),
  },
  'an answer',
);
export type Answer = z.infer<typeof AnswerSchema>;

export const UiActionSchema = keyed(
  {
    pause: z.strictObject({ pause: z.literal(true) }),
    select: z.strictObject({ select: z.strictObject({ packet: PacketMatchSchema }) }),
    seek: z.strictObject({ seek: duration }),
    setLink: z.strictObject({ setLink: z.strictObject({ link: z.number().int().min(0), field: z.enum(LINK_FIELDS), value: linkValue }) }),
  },
  'a UI action',
);
export type UiAction = z.infer<typeof UiActionSchema>;

const common = {
  prompt: nonEmpty,
  hints: z.array(nonEmpty).min(1, 'needs at least one hint'),
  views: z.array(z.enum(LESSON_VIEWS)).optional(),
};

const answerValue = z.union([z.number(), z.string()]);

export const TaskSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('command'), ...common, host: z.string().optional(), check: CheckSchema, solution: nonEmpty }),
  z.strictObject({ kind: z.literal('ui'), ...common, check: CheckSchema, solution: z.array(UiActionSchema).min(1, 'needs at least one UI action') }),
  z.strictObject({ kind: z.literal('question'), ...common, answer: AnswerSchema, solution: answerValue, wrong: z.array(answerValue).min(1, 'needs at least one wrong answer') }),
  z.strictObject({
    kind: z.literal('predict'),
    ...common,
    host: z.string().optional(),
    run: nonEmpty,
    answer: AnswerSchema,
    solution: answerValue,
    wrong: z.array(answerValue).min(1, 'needs at least one wrong answer'),
    reveal: z.string().optional(),
  }),
]);
export type Task = z.infer<typeof TaskSchema>;
export type CommandTask = Extract<Task, { kind: 'command' }>;
export type UiTask = Extract<Task, { kind: 'ui' }>;
export type QuestionTask = Extract<Task, { kind: 'question' }>;
export type PredictTask = Extract<Task, { kind: 'predict' }>;
export type AnswerValue = z.infer<typeof answerValue>;

export { regexError };

/**
 * Colours for text output: on when standard output is a terminal, off when it is piped or when
 * NO_COLOR is set (https://no-color.org); FORCE_COLOR=1 turns them on anyway.
 */
const CODES = { red: [31, 39], yellow: [33, 39], green: [32, 39], cyan: [36, 39], bold: [1, 22] } as const;

export type Colour = keyof typeof CODES;
export type Paint = (colour: Colour, text: string) => string;

export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "") return true;
  return stream.isTTY === true;
}

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_colour, text) => text;
  return (colour, text) => `\u001b[${CODES[colour][0]}m${text}\u001b[${CODES[colour][1]}m`;
}

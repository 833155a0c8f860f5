/** Go's time.ParseDuration syntax ("2m0s", "1h30m", "500ms"), as Kubernetes metav1.Duration reads it. */

const UNIT = "(ns|us|µs|μs|ms|s|m|h)";
const NUMBER = "([0-9]+(\\.[0-9]*)?|\\.[0-9]+)";
const DURATION = new RegExp(`^[-+]?(0|(${NUMBER}${UNIT})+)$`);

export function isGoDuration(s: string): boolean {
  return DURATION.test(s);
}

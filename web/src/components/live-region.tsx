/**
 * A polite live region that stays mounted, so a screen reader announces each new verdict when it
 * arrives (a region created together with its text is often not announced). Visually hidden: the
 * same words are on the page.
 */
export function Announce(props: { text: string; testId?: string }) {
  return (
    <div class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid={props.testId ?? "announce"}>
      {props.text}
    </div>
  );
}

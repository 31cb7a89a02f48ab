/**
 * A list of facts that may run to hundreds (every kink of |sin(30x)|): the first few inline, the rest
 * behind a disclosure, so the page stays readable and the full list is one click away.
 */
const SHOWN = 12;

export function Capped(props: { items: readonly string[]; sep: string }) {
  const { items, sep } = props;
  if (items.length <= SHOWN) return <>{items.join(sep)}</>;
  return (
    <>
      {items.slice(0, SHOWN).join(sep)}
      {sep.trim()}
      <details class="more">
        <summary>and {items.length - SHOWN} more</summary>
        {items.slice(SHOWN).join(sep)}
      </details>
    </>
  );
}

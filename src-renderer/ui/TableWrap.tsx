import { createContext, useCallback, useContext, useId, useLayoutEffect, useState, type ComponentProps, type ReactNode, type Ref } from 'react';

/** The id the region of the nearest TableWrap is named by: its table's caption takes it (TableCaption). */
const CaptionId = createContext<string | undefined>(undefined);

/** Whether `el` has more to show than it shows, in a direction it scrolls (axe's own test, without its 13 px slack). */
function scrolls(el: HTMLElement): boolean {
  const style = getComputedStyle(el);
  const can = (overflow: string) => overflow === 'auto' || overflow === 'scroll';
  return (can(style.overflowX) && el.scrollWidth > el.clientWidth + 1) || (can(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
}

interface TableWrapProps {
  children: ReactNode;
  /** Classes beside `table-wrap`; `bare` leaves that one out (the virtualized tables have their own frame). */
  className?: string;
  bare?: boolean;
  /** The region's name where its table has no TableCaption (a virtualized table names itself this way). */
  label?: string;
  /**
   * A region always, named, whether it scrolls or not (the tab stop still comes and goes with the scrolling): for the
   * long lists with a search above them, whose landmark should not vanish while the person types.
   */
  landmark?: boolean;
  /** The scrolling element, for a virtualizer that needs it. */
  ref?: Ref<HTMLDivElement>;
  'data-testid'?: string;
}

/**
 * The frame of a table that may be wider (or, with `table-scroll`, taller) than the space it has: it scrolls inside,
 * and while it does, it is a keyboard stop (tabIndex 0, so the arrow keys scroll it) and a region named by the
 * table's caption, as WCAG 2.1.1 asks of a scrollable area (axe: scrollable-region-focusable). While everything fits,
 * it is a plain box: no extra tab stop, no landmark to wade through. A ResizeObserver on the frame and on what is in
 * it measures again whenever the window, the frame or the table change size.
 */
export function TableWrap({ children, className, bare, label, landmark, ref, 'data-testid': testId }: TableWrapProps) {
  const captionId = useId();
  const [node, setNode] = useState<HTMLDivElement | null>(null);
  const [scrollable, setScrollable] = useState(false);

  const setRef = useCallback(
    (el: HTMLDivElement | null) => {
      setNode(el);
      if (typeof ref === 'function') ref(el);
      else if (ref) ref.current = el;
    },
    [ref],
  );

  useLayoutEffect(() => {
    if (!node) return;
    const measure = () => setScrollable(scrolls(node));
    const sizes = new ResizeObserver(measure);
    // The frame changes size with the window; its content with its rows. A new child (the table replaced, an empty
    // note) is observed as it comes.
    const observe = () => {
      sizes.disconnect();
      sizes.observe(node);
      for (const child of node.children) sizes.observe(child);
      measure();
    };
    const children = new MutationObserver(observe);
    children.observe(node, { childList: true });
    observe();
    return () => {
      children.disconnect();
      sizes.disconnect();
    };
  }, [node]);

  const classes = [bare ? null : 'table-wrap', className].filter(Boolean).join(' ');
  const region = scrollable || landmark ? { role: 'region', ...(label ? { 'aria-label': label } : { 'aria-labelledby': captionId }) } : {};
  return (
    <div ref={setRef} className={classes || undefined} data-testid={testId} {...region} tabIndex={scrollable ? 0 : undefined}>
      <CaptionId.Provider value={captionId}>{children}</CaptionId.Provider>
    </div>
  );
}

/** The caption of a table in a TableWrap: it names the frame's region while the frame scrolls. */
export function TableCaption(props: Omit<ComponentProps<'caption'>, 'id'>) {
  const id = useContext(CaptionId);
  return <caption {...props} id={id} />;
}

/**
 * The empty row above or below a virtualised table's drawn rows, holding the height of the rows not drawn, so the
 * scroll bar and position are those of the whole list. Hidden from assistive technology; nothing when `height` is 0.
 */
export function SpacerRow({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    <tr className="vtable-spacer" aria-hidden="true" style={{ height }}>
      <td colSpan={columns} />
    </tr>
  );
}

/** A key or key combination, e.g. `Ctrl+K`. */
export function Kbd({ children }: { children: string }) {
  return <kbd className="kbd">{children}</kbd>;
}

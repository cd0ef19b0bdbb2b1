/** One toast: an error shows its code. */
export function Toast({
  kind,
  code,
  message,
  onClose,
}: {
  kind: 'error' | 'info';
  code: string;
  message: string;
  onClose: () => void;
}) {
  return (
    <div className={`toast toast--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div className="toast__body">
        {kind === 'error' ? <code className="toast__code">{code}</code> : null}
        <span className="toast__message">{message}</span>
      </div>
      <button type="button" className="toast__close" aria-label="Dismiss" onClick={onClose}>
        ×
      </button>
    </div>
  );
}

/** Catches a crash in one view so the rest of the app keeps working. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

type Props = { children: ReactNode; where: string };
type State = { error: Error | null };

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.where} crashed`, error, info.componentStack);
  }

  override render() {
    if (this.state.error)
      return (
        <div className="crash" role="alert">
          <strong>{this.props.where} crashed:</strong> {this.state.error.message}
          <button type="button" className="link" onClick={() => this.setState({ error: null })}>
            try again
          </button>
        </div>
      );
    return this.props.children;
  }
}

import type { EventName, EventPayload } from '../../shared/api'

type Listener = (name: EventName, payload: unknown) => void

/** Contract events fan out from services to every connected transport (IPC windows, WebSockets). */
export class EventBus {
  private readonly listeners = new Set<Listener>()

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(name, payload)
      } catch {
        // A broken subscriber (a closed socket) must not stop the others or the service.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

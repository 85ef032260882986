// Desktop notifications behind a two-method seam: the real Notification API by default, a recorder
// in tests. Permission is asked on a user gesture (adding a watched port), as browsers require.
export interface Notifier {
  notify(title: string, body: string): void;
  requestPermission(): void;
}

export const browserNotifier: Notifier = {
  notify(title, body) {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      new Notification(title, { body });
    } catch {
      // Some embedders expose the constructor but refuse it (e.g. inside a service-worker-only context).
    }
  },
  requestPermission() {
    if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
    void Notification.requestPermission().catch(() => undefined);
  },
};

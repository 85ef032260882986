// Unknown is not absent: sockets whose owner the OS hides are counted, with how to see them.
import type { Socket } from '../../main/core/model.js';

export function HiddenBanner({ hidden, example, onShow }: { hidden: number; example: Socket | undefined; onShow: () => void }) {
  if (hidden === 0) return null;
  return (
    <section className="banner banner-info" aria-label="Hidden owners">
      <strong>
        {hidden} {hidden === 1 ? 'socket has a hidden owner' : 'sockets have hidden owners'}.
      </strong>{' '}
      <span>{example?.hiddenReason ?? 'The OS would not say which process holds them; run Porthole with administrator rights to see them.'}</span>{' '}
      <button type="button" className="link-button" onClick={onShow}>
        Show them
      </button>
    </section>
  );
}

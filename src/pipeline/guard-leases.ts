/**
 * One set of run guards (signal and uncaught-error listeners) shared by
 * everything that needs them at once: `run()` and every long-running
 * command. Installing them twice would make optel's second signal listener
 * look like the app's own, and the process would no longer die of a signal
 * the app doesn't handle; so they are installed by the first lease and
 * removed when the last one is given back.
 */
export class GuardLeases {
  readonly #install: () => { uninstall: () => void } | undefined;
  #installed: { uninstall: () => void } | undefined;
  #leases = 0;

  /** `install` may give nothing (no pipeline yet): the lease then holds nothing. */
  constructor(install: () => { uninstall: () => void } | undefined) {
    this.#install = install;
  }

  /** Returns the function that gives the lease back; calling it twice does nothing. */
  acquire(): () => void {
    if (this.#leases === 0) this.#installed = this.#install();
    this.#leases++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#leases--;
      if (this.#leases === 0) {
        this.#installed?.uninstall();
        this.#installed = undefined;
      }
    };
  }
}

/**
 * Ctrl-C for commands that change the account: the first one asks the work to
 * stop after the call in flight (which is never cancelled: cancelling an
 * UpdateService mid-request leaves "may or may not have happened"); the
 * journal is then written and the command exits 130. A second Ctrl-C quits at once.
 */
export async function stopAfterCallOnCtrlC<T>(stderr: NodeJS.WritableStream, work: (interrupt: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    stderr.write('\necsguard: stopping after the call in flight; the journal will say where (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

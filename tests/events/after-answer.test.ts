import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAnswer, runAnswering } from '../../src/events/after-answer';

/** Work queued while a request is handled starts only after its answer is written (results.md: events never delay an API call). */
describe('afterAnswer', () => {
  it('runs a task queued during a request after the answer was written, even when the handler is still busy before it answers', async () => {
    const order: string[] = [];
    let ran!: () => void;
    const done = new Promise<void>((resolve) => (ran = resolve));
    const server = http.createServer((req, res) =>
      runAnswering(res, () => {
        afterAnswer(() => {
          order.push('task');
          ran();
        });
        order.push('queued');
        // The handler goes on with asynchronous work (a delivery) before it answers.
        setTimeout(() => {
          order.push('answering');
          res.end('ok');
        }, 20);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(await res.text()).toBe('ok');
    await done;
    server.close();
    expect(order).toEqual(['queued', 'answering', 'task']);
  });

  it('runs a task queued outside any request soon', async () => {
    await new Promise<void>((resolve) => afterAnswer(resolve));
  });
});

/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers` (Node 22); this
 * project runs on Node 20. Installed once, as a side effect of importing this
 * module, which `library.ts` does before it loads the library.
 */
interface PromiseWithResolversResult<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseConstructorWithResolvers = PromiseConstructor & {
  withResolvers?: <T>() => PromiseWithResolversResult<T>;
};

const promiseConstructor = Promise as PromiseConstructorWithResolvers;

if (typeof promiseConstructor.withResolvers !== 'function') {
  promiseConstructor.withResolvers = <T>(): PromiseWithResolversResult<T> => {
    let resolve!: PromiseWithResolversResult<T>['resolve'];
    let reject!: PromiseWithResolversResult<T>['reject'];
    const promise = new Promise<T>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise, resolve, reject };
  };
}

export {};

import NIOCore

/// A task executor on one event loop. A task that prefers it (`withTaskExecutorPreference`)
/// runs on the loop that drives its connection: the answer's promise resumes it in the same
/// loop iteration, instead of waking a thread of the global pool and handing the next request
/// back to the loop.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

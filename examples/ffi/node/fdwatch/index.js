'use strict';
// A file descriptor watched on Node's own event loop: a libuv poll handle (uv_poll_t)
// behind Node-API, since Node has no public API for a descriptor it did not open.
//
//   const w = new FdWatcher(fd, (status, events) => ...);   // status < 0: a libuv error
//   w.start(FdWatcher.READ | FdWatcher.WRITE);              // (re)start with these events
//   w.close();                                              // before the fd is reused
const native = require('./build/Release/fdwatch.node');

class FdWatcher {
    constructor(fd, callback) {
        this.h = native.open(fd, callback);
    }
    start(events) {
        native.start(this.h, events);
    }
    close() {
        if (this.h) native.close(this.h);
        this.h = null;
    }
}
FdWatcher.READ = 1;
FdWatcher.WRITE = 2;

module.exports = { FdWatcher };

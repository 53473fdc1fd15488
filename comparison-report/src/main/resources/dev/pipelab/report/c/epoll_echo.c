/*
 * The limit row of PipeLab's comparison report: a plain single-thread epoll echo server of the
 * PipeLab protocol, in C, on an AF_UNIX stream socket. Each whole frame goes back as it came
 * (an echo reply is byte for byte its request's frame), so for the echo workloads it does what
 * the engines do, with nothing between the loop and the system calls.
 *
 *   epoll_echo PATH [MAX_MESSAGE_BYTES]
 *
 * Prints "READY c-epoll PATH" once clients can connect; on SIGTERM or SIGINT it closes every
 * connection, removes PATH and exits 0. A frame longer than MAX_MESSAGE_BYTES (default 1 MiB)
 * or with the reserved bit set closes that client only (no error frame: the report's echo
 * workloads never send one, and the limit should pay for nothing they do not use).
 *
 * The loop: epoll, edge-triggered. A readable client is read until a read comes back short
 * (the socket is drained; new bytes raise a new edge) or its buffer is full; the whole frames
 * at the front are sent straight from the read buffer with one send; what the socket does not
 * take waits for EPOLLOUT (watched only then), and while it waits the client's requests are not
 * read (backpressure).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define INITIAL_BUFFER (16 * 1024)
#define EVENTS 512

struct conn {
    int fd;
    unsigned char *buf; /* bytes read and not yet sent back: [sent, filled) */
    size_t cap, sent, filled;
    size_t framed;      /* the end of the whole frames found so far: [sent, framed) waits to be sent */
    int writable_wait;  /* a send fell short: wait for EPOLLOUT before reading again */
    int hung_up;        /* the client's end of stream was seen: read on to it, it raises no new edge */
};

static uint32_t max_message = 1u << 20;

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void conn_close(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->buf);
    free(c);
}

/* The length of the whole frames at the front of [from, to), or -1 if a length word is bad. */
static long whole_frames(const unsigned char *from, const unsigned char *to) {
    const unsigned char *p = from;
    while (to - p >= 4) {
        uint32_t len = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
        if (len & 0x80000000u || len > max_message) return -1;
        if ((size_t)(to - p) < 4 + (size_t)len) break;
        p += 4 + (size_t)len;
    }
    return (long)(p - from);
}

/*
 * Watches for EPOLLOUT only while a send waits: a socket always watched for it would report an
 * edge each time the client reads a reply (its freed bytes wake the writer), a second event per
 * message for nothing.
 */
static int watch(int ep, struct conn *c, uint32_t events) {
    struct epoll_event ev = {.events = events | EPOLLRDHUP | EPOLLET, .data.ptr = c};
    return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends the whole frames read so far; 0 when done or waiting for EPOLLOUT, -1 to close. */
static int echo(int ep, struct conn *c) {
    long frames = whole_frames(c->buf + c->framed, c->buf + c->filled);
    if (frames < 0) return -1;
    c->framed += (size_t)frames;
    while (c->sent < c->framed) {
        ssize_t n = send(c->fd, c->buf + c->sent, c->framed - c->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                c->writable_wait = 1;
                return watch(ep, c, EPOLLIN | EPOLLOUT);
            }
            return -1;
        }
        c->sent += (size_t)n;
    }
    if (c->sent == c->filled) {
        c->sent = c->framed = c->filled = 0;
    }
    return 0;
}

/*
 * Reads what the socket holds, echoing whole frames as they come; -1 to close. A short read
 * means the socket is drained, unless the client has also hung up: then its end of stream
 * raises no new edge, so read on until the read that returns 0.
 */
static int on_readable(int ep, struct conn *c) {
    for (;;) {
        if (c->writable_wait) return 0;
        if (c->filled == c->cap) {
            if (c->sent > 0) { /* move the partial frame to the front */
                memmove(c->buf, c->buf + c->sent, c->filled - c->sent);
                c->filled -= c->sent;
                c->framed -= c->sent;
                c->sent = 0;
            } else { /* one frame larger than the buffer: grow, up to one whole frame */
                if (c->cap >= 4 + (size_t)max_message) return -1;
                size_t cap = c->cap * 2;
                if (cap > 4 + (size_t)max_message) cap = 4 + (size_t)max_message;
                unsigned char *b = realloc(c->buf, cap);
                if (!b) return -1;
                c->buf = b;
                c->cap = cap;
            }
        }
        size_t room = c->cap - c->filled;
        ssize_t n = recv(c->fd, c->buf + c->filled, room, 0);
        if (n == 0) return -1; /* the client closed */
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return 0;
            return -1;
        }
        c->filled += (size_t)n;
        if (echo(ep, c) < 0) return -1;
        if ((size_t)n < room && !c->hung_up) return 0; /* drained: the next bytes raise a new edge */
    }
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: epoll_echo PATH [MAX_MESSAGE_BYTES]\n");
        return 2;
    }
    const char *path = argv[1];
    if (argc == 3) max_message = (uint32_t)strtoul(argv[2], NULL, 10);

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "epoll_echo: %s is longer than sun_path (%zu bytes)\n", path, sizeof addr.sun_path - 1);
        return 2;
    }
    strcpy(addr.sun_path, path);

    struct rlimit files; /* as many clients as the hard limit allows, as the JVM does for itself */
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    if (sigprocmask(SIG_BLOCK, &stop, NULL) < 0) die("sigprocmask");
    int sfd = signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) die("signalfd");

    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(lfd, 4096) < 0) die("listen");

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}; /* the listener: level-triggered */
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0) die("epoll_ctl listener");
    static int signal_tag;
    ev.events = EPOLLIN;
    ev.data.ptr = &signal_tag;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) < 0) die("epoll_ctl signalfd");

    printf("READY c-epoll %s\n", path);
    fflush(stdout);

    struct epoll_event events[EVENTS];
    int running = 1;
    while (running) {
        int n = epoll_wait(ep, events, EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;
            if (tag == NULL) { /* accept every waiting client */
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break; /* EAGAIN, or a client gone already: try again on the next event */
                    struct conn *c = calloc(1, sizeof *c);
                    if (c) c->buf = malloc(INITIAL_BUFFER);
                    if (!c || !c->buf) { free(c); close(fd); continue; }
                    c->fd = fd;
                    c->cap = INITIAL_BUFFER;
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = c};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) < 0) { close(fd); free(c->buf); free(c); }
                }
            } else if (tag == &signal_tag) {
                running = 0;
            } else {
                struct conn *c = tag;
                uint32_t e = events[i].events;
                if (e & EPOLLERR) { conn_close(ep, c); continue; }
                if (e & (EPOLLRDHUP | EPOLLHUP)) c->hung_up = 1;
                if ((e & EPOLLOUT) && c->writable_wait) {
                    c->writable_wait = 0;
                    if (echo(ep, c) < 0) { conn_close(ep, c); continue; }
                    if (c->writable_wait) continue;
                    if (watch(ep, c, EPOLLIN) < 0 || on_readable(ep, c) < 0) { conn_close(ep, c); continue; }
                } else if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) {
                    if (on_readable(ep, c) < 0) { conn_close(ep, c); continue; }
                }
            }
        }
    }
    /* Connections are freed by the exit; the socket file is ours to remove. */
    close(lfd);
    unlink(path);
    printf("stopped\n");
    return 0;
}

/*
 * An independent load generator for PipeLab's echo workloads, in C: CLIENTS clients of an
 * AF_UNIX echo server, each with one request of BYTES bytes in flight (ping-pong), driven from
 * one thread on epoll. It checks every reply against its request, then measures WINDOWS windows
 * of WINDOW_MS after WARMUP_MS, and prints per window the replies per second and, given the
 * server's pid, the server's CPU (user + system, from /proc) per message:
 *
 *   echo_load PATH CLIENTS BYTES WARMUP_MS WINDOW_MS WINDOWS [SERVER_PID]
 *   window 1: 171234 msg/s, 5.84 us server CPU/msg
 *
 * It speaks PipeLab's frames (a 4-byte big-endian length, then the payload), so it drives any
 * of the report's servers: the engines with the echo handler, Netty, and the C limit.
 * Exit status 0 when every reply matched, 1 on a wrong reply or a lost client, 2 on misuse.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

struct client {
    int fd;
    int waits_out;   /* a send fell short: EPOLLOUT is watched until it is done */
    size_t got;      /* reply bytes read so far, into reply */
    size_t sent;     /* request bytes sent so far */
    unsigned char *reply;
};

static size_t frame_len;
static unsigned char *request;  /* one frame, the same for every client: length, then a pattern */
static int ep;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* The server's user + system CPU in clock ticks, or -1. */
static long long server_ticks(long pid) {
    if (pid <= 0) return -1;
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p) return -1;
    unsigned long long utime, stime;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    return (long long)(utime + stime);
}

static int watch(struct client *c, uint32_t out) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET | out, .data.ptr = c};
    return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends what is left of the client's request, watching EPOLLOUT while the socket is full; -1 on failure. */
static int send_request(struct client *c) {
    while (c->sent < frame_len) {
        ssize_t n = send(c->fd, request + c->sent, frame_len - c->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN) return -1;
            c->waits_out = 1;
            return watch(c, EPOLLOUT);
        }
        c->sent += (size_t)n;
    }
    if (c->waits_out) {
        c->waits_out = 0;
        return watch(c, 0);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 7 || argc > 8) {
        fprintf(stderr, "usage: echo_load PATH CLIENTS BYTES WARMUP_MS WINDOW_MS WINDOWS [SERVER_PID]\n");
        return 2;
    }
    const char *path = argv[1];
    int clients = atoi(argv[2]);
    size_t bytes = (size_t)atol(argv[3]);
    long warmup_ms = atol(argv[4]), window_ms = atol(argv[5]);
    int windows = atoi(argv[6]);
    long pid = argc == 8 ? atol(argv[7]) : 0;
    if (clients < 1 || windows < 1 || window_ms < 1) {
        fprintf(stderr, "echo_load: CLIENTS, WINDOW_MS and WINDOWS must be positive\n");
        return 2;
    }

    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }

    frame_len = 4 + bytes;
    request = malloc(frame_len);
    if (!request) return 2;
    request[0] = (unsigned char)(bytes >> 24);
    request[1] = (unsigned char)(bytes >> 16);
    request[2] = (unsigned char)(bytes >> 8);
    request[3] = (unsigned char)bytes;
    for (size_t i = 0; i < bytes; i++) request[4 + i] = (unsigned char)('a' + i % 26);

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "echo_load: path too long\n");
        return 2;
    }
    strcpy(addr.sun_path, path);

    ep = epoll_create1(0);
    struct client *all = calloc((size_t)clients, sizeof *all);
    if (ep < 0 || !all) return 2;
    for (int i = 0; i < clients; i++) { /* blocking connects: a full backlog waits, it is not refused */
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
            fprintf(stderr, "echo_load: client %d could not connect: %s\n", i, strerror(errno));
            return 1;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        all[i].fd = fd;
        all[i].reply = malloc(frame_len);
        if (!all[i].reply) return 2;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.ptr = &all[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    for (int i = 0; i < clients; i++) {
        if (send_request(&all[i]) < 0) {
            fprintf(stderr, "echo_load: client %d could not send\n", i);
            return 1;
        }
    }

    struct epoll_event events[512];
    long long start = now_ns();
    long long window_start = start + warmup_ms * 1000000LL;
    long long replies = 0;
    long long ticks_start = -1;
    int window = 0; /* 0 while warming up */
    long ticks_per_s = sysconf(_SC_CLK_TCK);
    for (;;) {
        long long t = now_ns();
        if (t >= window_start) {
            if (window > 0) {
                double secs = (double)(t - (window_start - window_ms * 1000000LL)) / 1e9;
                long long ticks = server_ticks(pid);
                double rate = (double)replies / secs;
                if (ticks >= 0 && ticks_start >= 0 && replies > 0) {
                    double cpu_us = (double)(ticks - ticks_start) * 1e6 / (double)ticks_per_s / (double)replies;
                    printf("window %d: %.0f msg/s, %.2f us server CPU/msg\n", window, rate, cpu_us);
                } else {
                    printf("window %d: %.0f msg/s\n", window, rate);
                }
                fflush(stdout);
                if (window == windows) break;
            }
            window++;
            replies = 0;
            ticks_start = server_ticks(pid);
            window_start = t + window_ms * 1000000LL;
        }
        int timeout = (int)((window_start - t) / 1000000LL) + 1;
        int n = epoll_wait(ep, events, 512, timeout);
        if (n < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (int i = 0; i < n; i++) {
            struct client *c = events[i].data.ptr;
            if (c->waits_out && send_request(c) < 0) { perror("send"); return 1; }
            for (;;) { /* edge-triggered: read until the socket is drained */
                ssize_t r = recv(c->fd, c->reply + c->got, frame_len - c->got, 0);
                if (r == 0) { fprintf(stderr, "echo_load: the server closed a client\n"); return 1; }
                if (r < 0) {
                    if (errno == EAGAIN) break;
                    perror("recv");
                    return 1;
                }
                c->got += (size_t)r;
                if (c->got < frame_len) continue;
                if (memcmp(c->reply, request, frame_len) != 0) {
                    fprintf(stderr, "echo_load: a reply differs from its request\n");
                    return 1;
                }
                c->got = 0;
                c->sent = 0;
                replies++;
                if (send_request(c) < 0) { perror("send"); return 1; }
            }
        }
    }
    for (int i = 0; i < clients; i++) {
        close(all[i].fd);
        free(all[i].reply);
    }
    close(ep);
    return 0;
}

// Command ferretdb-test-server runs an embedded FerretDB (MongoDB wire protocol, SQLite backend)
// on a loopback port for the test suites. It prints exactly one line to stdout,
//
//	MONGODB_URL=mongodb://127.0.0.1:PORT/
//
// once the listener accepts connections, logs everything else to stderr, and shuts down cleanly on
// SIGINT/SIGTERM (or, with -exit-on-stdin-eof, when its parent closes stdin).
//
// By default clients talk to FerretDB through a serializing proxy (proxy.go) that makes every
// single-document write atomic, as it is on MongoDB; -serialize=false exposes FerretDB directly.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback TCP address to listen on (port 0 picks a free port)")
	dataDir := flag.String("data-dir", "", "directory for the SQLite files (default: a temp dir removed on exit)")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn, error")
	stdinEOF := flag.Bool("exit-on-stdin-eof", false, "shut down when stdin is closed (parent process gone)")
	serialize := flag.Bool("serialize", true, "run one command at a time (atomic conditional writes, see proxy.go)")
	flag.Parse()

	if err := run(*listen, *dataDir, *logLevel, *stdinEOF, *serialize); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-test-server: %s\n", err)
		os.Exit(1)
	}
}

func run(listen, dataDir, logLevel string, stdinEOF, serialize bool) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("bad -log-level %q: %w", logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("bad -listen %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen must be a loopback IP address, got %q", listen)
	}

	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "ferretdb-test-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	} else if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	// FerretDB wants a "file:" URI of an existing directory, ending with "/".
	sqliteURL := (&url.URL{Scheme: "file", Path: strings.TrimSuffix(filepath.ToSlash(abs), "/") + "/"}).String()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			logger.Info("stdin closed, shutting down")
			stop()
		}()
	}

	// With the proxy, FerretDB itself listens on a private loopback port and the proxy on -listen.
	var front net.Listener
	ferretListen := listen
	if serialize {
		if front, err = net.Listen("tcp", listen); err != nil {
			return err
		}
		defer front.Close()
		ferretListen = net.JoinHostPort(host, "0")
	}

	// The listener is bound inside New, so port 0 works: MongoDBURI reports the real port.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: ferretListen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	uri := f.MongoDBURI()
	u, err := url.Parse(uri)
	if err != nil {
		stop()
		<-done
		return fmt.Errorf("unexpected MongoDB URI %q: %w", uri, err)
	}
	if err := waitForTCP(ctx, u.Host, 10*time.Second); err != nil {
		stop()
		<-done
		return err
	}

	addr := u.Host
	proxyDone := make(chan struct{})
	if serialize {
		addr = front.Addr().String()
		go func() {
			defer close(proxyDone)
			newProxy(u.Host, logger).serve(ctx, front)
		}()
	} else {
		close(proxyDone)
	}

	fmt.Fprintf(os.Stdout, "MONGODB_URL=mongodb://%s/\n", addr)
	logger.Info("FerretDB listening", "addr", addr, "ferretdb", u.Host, "serialize", serialize, "sqlite", sqliteURL)

	err = <-done
	<-proxyDone
	logger.Info("FerretDB stopped")
	return err
}

func waitForTCP(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", addr)
		if err == nil {
			return conn.Close()
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("FerretDB does not accept connections on %s: %w", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

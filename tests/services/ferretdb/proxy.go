package main

// A serializing wire-protocol proxy in front of FerretDB.
//
// FerretDB 1.x (SQLite backend) runs `update` and `findAndModify` as "query, then write the new
// document by _id" without a transaction (see FerretDB issue #3040 and the TODOs in
// internal/handler/msg_update.go), so two concurrent conditional writes on the same document can
// both match: lost updates, double claims. MongoDB makes every single-document write atomic, and
// the engine's commit rule relies on that. The proxy restores it by letting exactly one command at
// a time into FerretDB across all client connections: a request takes a global gate when it is
// forwarded, and the gate is released when FerretDB's reply to it (responseTo == requestID) comes
// back. Cursors, sessions and connection pools keep working: only execution is serialized.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

const (
	opMsg           = 2013
	flagMoreToCome  = 1 << 1
	headerLen       = 16
	maxMessageBytes = 64 << 20
	// A reply that takes longer than this releases the gate anyway (logged), so that one stuck
	// command cannot wedge every other connection.
	gateTimeout = 60 * time.Second
)

type proxy struct {
	backend string
	logger  *slog.Logger
	gate    chan struct{} // capacity 1
	wg      sync.WaitGroup
}

func newProxy(backend string, logger *slog.Logger) *proxy {
	return &proxy{backend: backend, logger: logger, gate: make(chan struct{}, 1)}
}

// serve accepts on l until ctx is done, then closes l and every proxied connection.
func (p *proxy) serve(ctx context.Context, l net.Listener) {
	var mu sync.Mutex
	conns := map[net.Conn]struct{}{}
	track := func(c net.Conn, add bool) {
		mu.Lock()
		defer mu.Unlock()
		if add {
			conns[c] = struct{}{}
		} else {
			delete(conns, c)
		}
	}

	go func() {
		<-ctx.Done()
		_ = l.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
	}()

	for {
		client, err := l.Accept()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				p.logger.Error("proxy accept failed", "error", err)
			}
			break
		}
		backend, err := net.Dial("tcp", p.backend)
		if err != nil {
			p.logger.Error("proxy cannot reach FerretDB", "error", err)
			_ = client.Close()
			continue
		}
		track(client, true)
		track(backend, true)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.pipe(client, backend)
			track(client, false)
			track(backend, false)
		}()
	}
	p.wg.Wait()
}

// ticket is one request's hold on the gate; release is idempotent.
type ticket struct {
	once  sync.Once
	gate  chan struct{}
	timer *time.Timer
}

func (t *ticket) release() {
	t.once.Do(func() {
		if t.timer != nil {
			t.timer.Stop()
		}
		<-t.gate
	})
}

func (p *proxy) pipe(client, backend net.Conn) {
	defer client.Close()
	defer backend.Close()

	var mu sync.Mutex
	var pending *ticket
	var pendingID int32
	takePending := func(id int32, any bool) *ticket {
		mu.Lock()
		defer mu.Unlock()
		if pending != nil && (any || id == pendingID) {
			t := pending
			pending = nil
			return t
		}
		return nil
	}

	done := make(chan struct{})

	// FerretDB -> client: forward replies, release the gate on the reply to the pending request.
	go func() {
		defer close(done)
		defer func() {
			if t := takePending(0, true); t != nil {
				t.release()
			}
		}()
		for {
			msg, err := readMessage(backend)
			if err != nil {
				_ = client.Close()
				return
			}
			if t := takePending(responseTo(msg), false); t != nil {
				t.release()
			}
			if _, err := client.Write(msg); err != nil {
				_ = backend.Close()
				return
			}
		}
	}()

	// client -> FerretDB: one request at a time through the gate.
	for {
		msg, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				p.logger.Debug("proxy: client read failed", "error", err)
			}
			break
		}
		p.gate <- struct{}{}
		t := &ticket{gate: p.gate}
		expectsReply := !(opCode(msg) == opMsg && len(msg) >= headerLen+4 &&
			binary.LittleEndian.Uint32(msg[headerLen:])&flagMoreToCome != 0)
		if expectsReply {
			id := requestID(msg)
			t.timer = time.AfterFunc(gateTimeout, func() {
				p.logger.Warn("proxy: no reply in time, releasing the gate", "requestID", id)
				t.release()
			})
			mu.Lock()
			pending, pendingID = t, id
			mu.Unlock()
		}
		if _, err := backend.Write(msg); err != nil {
			t.release()
			break
		}
		if !expectsReply {
			t.release()
		}
	}
	_ = backend.Close()
	<-done
}

func readMessage(r io.Reader) ([]byte, error) {
	var hdr [headerLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int32(binary.LittleEndian.Uint32(hdr[0:4]))
	if n < headerLen || n > maxMessageBytes {
		return nil, fmt.Errorf("bad wire message length %d", n)
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[headerLen:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func requestID(msg []byte) int32  { return int32(binary.LittleEndian.Uint32(msg[4:8])) }
func responseTo(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[8:12])) }
func opCode(msg []byte) int32     { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

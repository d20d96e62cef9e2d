package jwtexp

import (
	"io"
	"net/http"
	"time"
)

// A rejection never waits for the request's body. Over HTTP/1.x, net/http
// (Go 1.26, server.go) would wait for an unread body twice: before it writes
// the response, chunkWriter.writeHeader discards up to
// maxPostHandlerReadBytes (256 KiB) of it to keep the connection alive,
// unless closeAfterReply is set, which a "Connection: close" response header
// does; and after the handler returns, finishRequest closes the body, and
// body.Close reads on to its end (again up to 256 KiB) whatever
// closeAfterReply says. A client that trickles the body, with a token anyone
// can mint, would hold the 401 and then the connection and its goroutine for
// as long as it liked. So a rejection sends "Connection: close" and, once
// the response is written, sets an expired read deadline: both reads fail at
// once, and the server closes the connection.
//
// Over HTTP/2 neither step is taken. Its server writes the response without
// reading the body, and when the handler returns it resets a stream whose
// body is still coming (RST_STREAM NO_ERROR, RFC 9113 §8.1), while a
// "Connection: close" header would make it send GOAWAY and end every other
// stream on the connection.

// bodyMayRemain reports whether r, an HTTP/1.x request, may still have body
// bytes on the wire: a Content-Length other than 0, or chunked (-1). A
// server request without a body has http.NoBody.
func bodyMayRemain(r *http.Request) bool {
	return r.ProtoMajor == 1 && r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// letGo sets an expired read deadline on w's connection, so that no read of
// the rest of the body waits; it is called once the response is written.
// A writer that cannot set one (ErrNotSupported: not net/http's, and no
// Unwrap to it) leaves the wait to Server.ReadTimeout.
func letGo(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now())
}

// eofBody is a request body that records whether it was read to its end.
type eofBody struct {
	io.ReadCloser
	eof bool
}

func (b *eofBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

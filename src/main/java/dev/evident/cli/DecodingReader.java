package dev.evident.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to characters as YAML defines the encoding: a byte order mark (UTF-8, UTF-16) or, without one,
 * UTF-16 recognised by its zero bytes, else UTF-8. Invalid bytes, characters YAML does not allow and
 * over-long lines are errors naming the line they are on, found as the text is decoded.
 */
final class DecodingReader extends Reader {
    private final String source;
    private final InputStream in;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(64 * 1024);
    private final CharBuffer chars = CharBuffer.allocate(64 * 1024);
    private long maxLine;
    private boolean eof;
    private int lines;
    private long column;

    private DecodingReader(String source, InputStream in, Charset charset, long maxLine) {
        this.source = source;
        this.maxLine = maxLine;
        this.in = in;
        this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        bytes.flip();
        chars.flip();
    }

    /** @param maxLine the longest line accepted, in characters, checked as it is read (fail fast), or 0 for any */
    static DecodingReader of(String source, InputStream raw, long maxLine) throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, 4);
        byte[] head = new byte[4];
        int n = in.readNBytes(head, 0, 4);
        int skip = 0;
        Charset charset = StandardCharsets.UTF_8;
        if (n >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
            skip = 3;
        } else if (n >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff) {
            skip = 2;
            charset = StandardCharsets.UTF_16BE;
        } else if (n >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe) {
            skip = 2;
            charset = StandardCharsets.UTF_16LE;
        } else if (n >= 2 && head[0] == 0 && head[1] != 0) {
            charset = StandardCharsets.UTF_16BE;
        } else if (n >= 2 && head[0] != 0 && head[1] == 0) {
            charset = StandardCharsets.UTF_16LE;
        }
        in.unread(head, skip, n - skip);
        return new DecodingReader(source, in, charset, maxLine);
    }

    /** JSON found where either could be: no line limit, and JSON's own rules for characters. */
    void asJson() {
        maxLine = 0;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(length, chars.remaining());
        chars.get(buffer, offset, n);
        return n;
    }

    /** Decodes the next chunk; false at the end of the input. */
    private boolean fill() throws IOException {
        if (eof && !bytes.hasRemaining()) {
            return false;
        }
        bytes.compact();
        int read = eof ? -1 : in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (read < 0) {
            eof = true;
        } else {
            bytes.position(bytes.position() + read);
        }
        bytes.flip();
        chars.clear();
        CoderResult result = decoder.decode(bytes, chars, eof);
        char[] decoded = chars.array();
        for (int i = 0; i < chars.position(); i++) {
            if (decoded[i] == '\n') {
                lines++;
                column = 0;
            } else if (maxLine > 0) {
                if (++column > maxLine) {
                    throw new InputException(source + ":" + (lines + 1) + ": line longer than " + maxLine + " characters; "
                            + ManifestReader.MAX_VALUE_DESCRIPTION);
                }
                if (!isYamlPrintable(decoded[i])) {
                    throw new InputException(source + ":" + (lines + 1) + ": character U+" + String.format("%04X", (int) decoded[i])
                            + " is not allowed in YAML (control characters must be escaped in a double-quoted string)");
                }
            }
        }
        if (result.isError()) {
            throw new InputException(source + ":" + (lines + 1) + ": not valid " + decoder.charset().name()
                    + " (byte 0x" + String.format("%02x", bytes.get(bytes.position()) & 0xff) + ")");
        }
        chars.flip();
        return true;
    }

    /** YAML's printable set (surrogates pass: they form the characters above U+FFFF). */
    private static boolean isYamlPrintable(char c) {
        return c >= 0x20 && c < 0x7f || c == '\t' || c == '\r' || c == 0x85 || c >= 0xa0 && c != 0xfffe && c != 0xffff;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

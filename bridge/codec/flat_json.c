/* One stream event's JSON text -> its ResponseStreamEvent's wire bytes, in one pass.
 *
 * The native twin of `WireEvents.encode` (bridge/codec/wire.py) for the events most of a
 * stream is made of: a flat JSON object (strings, integers, booleans, empty lists) of a
 * type the wire path covers. Reading the text itself skips building the event's dict, its
 * keys and values, which the dict path pays for every event before writing the same bytes.
 * The table comes from `WireEvents.text_table()`; the result is the same bytes
 * `event_bytes_from_json(orjson.loads(text))` returns, or None wherever this reader is not
 * sure of that: an escape in a key, a float, null, a nested value, a duplicate or unknown
 * key, more than MAX_MEMBERS members, invalid JSON, a lone surrogate. The caller then takes
 * the general path, which decides (and reports) what the text is.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A flat event has a dozen members at most; more is not an event of the wire path. */
#define MAX_MEMBERS 32

/* A member's JSON value. */
enum { V_STRING, V_INTEGER, V_TRUE, V_FALSE, V_EMPTY_LIST };
/* A field's kind: wire.py's _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _REPEATED. */
enum { K_STRING, K_INTEGER, K_BOOLEAN, K_DOUBLE, K_REPEATED };
/* An integer field's width: wire.py's WIDTHS. */
enum { W_INT32, W_INT64, W_UINT32, W_UINT64 };

typedef struct {
    const char *key;
    Py_ssize_t key_len;
    int value;
    const char *text; /* a string's bytes between its quotes, escapes undone later */
    Py_ssize_t text_len;
    int escaped;
    int negative;
    uint64_t magnitude;
    int used;
} Member;

static inline const char *skip_space(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* The closing quote of a string starting at p, or NULL (a raw control character or no end). */
static const char *string_end(const char *p, const char *end, int *escaped) {
    *escaped = 0;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') return p;
        if (c < 0x20) return NULL;
        if (c == '\\') {
            *escaped = 1;
            if (++p >= end) return NULL;
        }
        p++;
    }
    return NULL;
}

static int read_hex4(const char *p, unsigned *out) {
    unsigned value = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        value <<= 4;
        if (c >= '0' && c <= '9') value |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') value |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') value |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = value;
    return 1;
}

/* A string's escapes undone into out (never longer than the text): its UTF-8 length,
 * or -1 for an escape JSON does not have or a surrogate without its pair. */
static Py_ssize_t unescape(const char *p, Py_ssize_t n, char *out) {
    const char *end = p + n;
    char *o = out;
    while (p < end) {
        char c = *p++;
        if (c != '\\') {
            *o++ = c;
            continue;
        }
        switch (*p++) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned point, low;
            if (end - p < 4 || !read_hex4(p, &point)) return -1;
            p += 4;
            if (point >= 0xDC00 && point <= 0xDFFF) return -1;
            if (point >= 0xD800 && point <= 0xDBFF) {
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !read_hex4(p + 2, &low)) return -1;
                if (low < 0xDC00 || low > 0xDFFF) return -1;
                p += 6;
                point = 0x10000 + ((point - 0xD800) << 10) + (low - 0xDC00);
            }
            if (point < 0x80) {
                *o++ = (char)point;
            } else if (point < 0x800) {
                *o++ = (char)(0xC0 | (point >> 6));
                *o++ = (char)(0x80 | (point & 0x3F));
            } else if (point < 0x10000) {
                *o++ = (char)(0xE0 | (point >> 12));
                *o++ = (char)(0x80 | ((point >> 6) & 0x3F));
                *o++ = (char)(0x80 | (point & 0x3F));
            } else {
                *o++ = (char)(0xF0 | (point >> 18));
                *o++ = (char)(0x80 | ((point >> 12) & 0x3F));
                *o++ = (char)(0x80 | ((point >> 6) & 0x3F));
                *o++ = (char)(0x80 | (point & 0x3F));
            }
            break;
        }
        default:
            return -1;
        }
    }
    return o - out;
}

static inline char *put_varint(char *o, uint64_t value) {
    while (value > 127) {
        *o++ = (char)((value & 0x7F) | 0x80);
        value >>= 7;
    }
    *o++ = (char)value;
    return o;
}

static inline int varint_size(uint64_t value) {
    int size = 1;
    while (value > 127) {
        value >>= 7;
        size++;
    }
    return size;
}

/* The members of the flat JSON object that is all of [p, end): their number, or -1. */
static int read_object(const char *p, const char *end, Member *members) {
    int count = 0;
    p = skip_space(p, end);
    if (p >= end || *p != '{') return -1;
    p = skip_space(p + 1, end);
    if (p < end && *p == '}') return skip_space(p + 1, end) == end ? 0 : -1;
    for (;;) {
        if (count == MAX_MEMBERS || p >= end || *p != '"') return -1;
        int escaped;
        const char *key = p + 1;
        const char *close = string_end(key, end, &escaped);
        if (close == NULL || escaped) return -1;
        Member *m = &members[count++];
        m->key = key;
        m->key_len = close - key;
        m->used = 0;
        p = skip_space(close + 1, end);
        if (p >= end || *p != ':') return -1;
        p = skip_space(p + 1, end);
        if (p >= end) return -1;
        char c = *p;
        if (c == '"') {
            m->text = p + 1;
            close = string_end(m->text, end, &m->escaped);
            if (close == NULL) return -1;
            m->value = V_STRING;
            m->text_len = close - m->text;
            p = close + 1;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            m->negative = c == '-';
            if (m->negative) p++;
            if (p >= end || *p < '0' || *p > '9') return -1;
            if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9') return -1;
            uint64_t magnitude = 0;
            while (p < end && *p >= '0' && *p <= '9') {
                if (__builtin_mul_overflow(magnitude, 10, &magnitude) ||
                    __builtin_add_overflow(magnitude, (uint64_t)(*p - '0'), &magnitude))
                    return -1;
                p++;
            }
            if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return -1;
            m->value = V_INTEGER;
            m->magnitude = magnitude;
        } else if (c == 't' && end - p >= 4 && memcmp(p, "true", 4) == 0) {
            m->value = V_TRUE;
            p += 4;
        } else if (c == 'f' && end - p >= 5 && memcmp(p, "false", 5) == 0) {
            m->value = V_FALSE;
            p += 5;
        } else if (c == '[') {
            p = skip_space(p + 1, end);
            if (p >= end || *p != ']') return -1;
            m->value = V_EMPTY_LIST;
            p++;
        } else {
            return -1;
        }
        p = skip_space(p, end);
        if (p >= end) return -1;
        if (*p == '}') return skip_space(p + 1, end) == end ? count : -1;
        if (*p != ',') return -1;
        p = skip_space(p + 1, end);
    }
}

static int fits(const Member *m, long width) {
    if (m->magnitude == 0) return 1;
    switch (width) {
    case W_INT32: return m->magnitude <= (m->negative ? 2147483648ULL : 2147483647ULL);
    case W_INT64: return m->magnitude <= (m->negative ? 9223372036854775808ULL : 9223372036854775807ULL);
    case W_UINT32: return !m->negative && m->magnitude <= 4294967295ULL;
    case W_UINT64: return !m->negative;
    default: return 0;
    }
}

/* One field of a member's table: (key: bytes, kind: int, tag: bytes, present: bool, width: int). */
static int read_field(PyObject *field, const char **key, Py_ssize_t *key_len, long *kind,
                      const char **tag, Py_ssize_t *tag_len, int *present, long *width) {
    if (!PyTuple_Check(field) || PyTuple_GET_SIZE(field) != 5) return 0;
    PyObject *k = PyTuple_GET_ITEM(field, 0), *t = PyTuple_GET_ITEM(field, 2);
    if (!PyBytes_Check(k) || !PyBytes_Check(t)) return 0;
    *key = PyBytes_AS_STRING(k);
    *key_len = PyBytes_GET_SIZE(k);
    *tag = PyBytes_AS_STRING(t);
    *tag_len = PyBytes_GET_SIZE(t);
    *kind = PyLong_AsLong(PyTuple_GET_ITEM(field, 1));
    *present = PyObject_IsTrue(PyTuple_GET_ITEM(field, 3));
    *width = PyLong_AsLong(PyTuple_GET_ITEM(field, 4));
    return !PyErr_Occurred() && *present >= 0;
}

/* The table is the codec's own; a malformed one is a bug, reported as such. */
static PyObject *bad_table(void) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "flat_json.encode: malformed table");
    return NULL;
}

/* One event's text read with `table`: (type, bytes), None, or NULL with an exception set. */
static PyObject *encode_text(PyObject *table, PyObject *text_object) {
    Py_ssize_t size;
    const char *text = PyUnicode_AsUTF8AndSize(text_object, &size);
    if (text == NULL) {
        /* A lone surrogate: not text protobuf can carry; the general path says so. */
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    Member members[MAX_MEMBERS];
    int count = read_object(text, text + size, members);
    Member *type = NULL;
    for (int i = 0; i < count; i++) {
        if (members[i].key_len == 4 && memcmp(members[i].key, "type", 4) == 0) {
            type = &members[i];
            break;
        }
    }
    if (type == NULL || type->value != V_STRING || type->escaped) Py_RETURN_NONE;
    type->used = 1;
    PyObject *name = PyUnicode_DecodeUTF8(type->text, type->text_len, NULL);
    if (name == NULL) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    PyObject *arm = PyDict_GetItemWithError(table, name); /* borrowed */
    if (arm == NULL) {
        Py_DECREF(name);
        if (PyErr_Occurred()) return NULL;
        Py_RETURN_NONE;
    }
    if (!PyTuple_Check(arm) || PyTuple_GET_SIZE(arm) != 2 || !PyBytes_Check(PyTuple_GET_ITEM(arm, 0)) ||
        !PyTuple_Check(PyTuple_GET_ITEM(arm, 1))) {
        Py_DECREF(name);
        return bad_table();
    }
    PyObject *arm_tag = PyTuple_GET_ITEM(arm, 0);
    PyObject *fields = PyTuple_GET_ITEM(arm, 1);
    Py_ssize_t field_count = PyTuple_GET_SIZE(fields);
    /* Each field adds at most a tag and a ten-byte varint to its value's text. */
    char small[4096];
    Py_ssize_t capacity = size + 32 * (field_count + 1);
    char *body = capacity <= (Py_ssize_t)sizeof(small) ? small : PyMem_Malloc(capacity);
    if (body == NULL) {
        Py_DECREF(name);
        return PyErr_NoMemory();
    }
    PyObject *result = NULL;
    char *o = body;
    int seen = 1; /* "type" */
    for (Py_ssize_t f = 0; f < field_count; f++) {
        const char *key, *tag;
        Py_ssize_t key_len, tag_len;
        long kind, width;
        int present;
        if (!read_field(PyTuple_GET_ITEM(fields, f), &key, &key_len, &kind, &tag, &tag_len, &present,
                        &width)) {
            bad_table();
            goto done;
        }
        Member *m = NULL;
        for (int i = 0; i < count; i++) {
            if (!members[i].used && members[i].key_len == key_len &&
                memcmp(members[i].key, key, key_len) == 0) {
                m = &members[i];
                break;
            }
        }
        if (m == NULL) continue;
        m->used = 1;
        seen++;
        switch (kind) {
        case K_STRING:
            if (m->value != V_STRING) goto general;
            if (!m->escaped) {
                if (m->text_len == 0 && !present) break;
                memcpy(o, tag, tag_len);
                o = put_varint(o + tag_len, (uint64_t)m->text_len);
                memcpy(o, m->text, m->text_len);
                o += m->text_len;
            } else {
                /* Undone in place after room for the longest length prefix, then moved
                 * up to the prefix's real size. */
                int room = varint_size((uint64_t)m->text_len);
                char *value = o + tag_len + room;
                Py_ssize_t length = unescape(m->text, m->text_len, value);
                if (length < 0) goto general;
                if (length == 0 && !present) break;
                memcpy(o, tag, tag_len);
                o += tag_len;
                int need = varint_size((uint64_t)length);
                if (need != room) memmove(o + need, value, length);
                o = put_varint(o, (uint64_t)length) + length;
            }
            break;
        case K_INTEGER:
            if (m->value != V_INTEGER || !fits(m, width)) goto general;
            if (m->magnitude == 0 && !present) break;
            memcpy(o, tag, tag_len);
            /* Negative values are two's complement in ten bytes, as protobuf writes them. */
            o = put_varint(o + tag_len, m->negative ? (uint64_t)0 - m->magnitude : m->magnitude);
            break;
        case K_BOOLEAN:
            if (m->value != V_TRUE && m->value != V_FALSE) goto general;
            if (m->value == V_FALSE && !present) break;
            memcpy(o, tag, tag_len);
            o += tag_len;
            *o++ = m->value == V_TRUE;
            break;
        case K_REPEATED:
            if (m->value != V_EMPTY_LIST) goto general;
            break;
        default:
            /* Doubles: their shortest text and sign of zero are the general path's. */
            goto general;
        }
    }
    if (seen != count) goto general; /* a key the member does not have, or one given twice */
    {
        Py_ssize_t length = o - body;
        Py_ssize_t tag_len = PyBytes_GET_SIZE(arm_tag);
        PyObject *out = PyBytes_FromStringAndSize(NULL, tag_len + varint_size((uint64_t)length) + length);
        if (out == NULL) goto done;
        char *w = PyBytes_AS_STRING(out);
        memcpy(w, PyBytes_AS_STRING(arm_tag), tag_len);
        w = put_varint(w + tag_len, (uint64_t)length);
        memcpy(w, body, length);
        result = PyTuple_Pack(2, name, out);
        Py_DECREF(out);
        goto done;
    }
general:
    result = Py_NewRef(Py_None);
done:
    if (body != small) PyMem_Free(body);
    Py_DECREF(name);
    return result;
}

/* Reader(table): a callable of one event's text, the table held once, called without
 * building an argument tuple (vectorcall). */
typedef struct {
    PyObject_HEAD
    PyObject *table;
    vectorcallfunc vectorcall;
} Reader;

static PyObject *reader_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    if (PyVectorcall_NARGS(nargsf) != 1 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0) ||
        !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "Reader(text: str) takes one str");
        return NULL;
    }
    return encode_text(((Reader *)self)->table, args[0]);
}

static PyObject *reader_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    PyObject *table;
    static char *names[] = {"table", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!:Reader", names, &PyDict_Type, &table)) return NULL;
    Reader *self = (Reader *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->table = Py_NewRef(table);
    self->vectorcall = reader_call;
    return (PyObject *)self;
}

static int reader_traverse(Reader *self, visitproc visit, void *arg) {
    Py_VISIT(self->table);
    return 0;
}

static int reader_clear(Reader *self) {
    Py_CLEAR(self->table);
    return 0;
}

static void reader_dealloc(Reader *self) {
    PyObject_GC_UnTrack(self);
    reader_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject ReaderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "bridge.codec.flat_json.Reader",
    .tp_doc = "Reader(table)(text) -> (type, bytes) | None: one flat event's JSON text as the "
              "wire bytes of its ResponseStreamEvent, or None where the general path must read it.",
    .tp_basicsize = sizeof(Reader),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = reader_new,
    .tp_dealloc = (destructor)reader_dealloc,
    .tp_traverse = (traverseproc)reader_traverse,
    .tp_clear = (inquiry)reader_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Reader, vectorcall),
};

static int exec_module(PyObject *module) {
    if (PyType_Ready(&ReaderType) < 0) return -1;
    return PyModule_AddObjectRef(module, "Reader", (PyObject *)&ReaderType);
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "bridge.codec.flat_json", NULL, 0, NULL, slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_flat_json(void) { return PyModuleDef_Init(&module); }

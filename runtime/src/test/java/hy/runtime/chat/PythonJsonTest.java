package hy.runtime.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Expected strings are what CPython 3.11's json.dumps(x, ensure_ascii=False) prints for the same values. */
class PythonJsonTest {
    @Test
    void separatorsEscapesAndOrder() throws Exception {
        String in = "{\"b\": [1, 2.5, true, null], \"a\": \"中\\\"\\\\\\n\\t\\u0001é\", \"c\": {}}";
        assertEquals("{\"b\": [1, 2.5, true, null], \"a\": \"中\\\"\\\\\\n\\t\\u0001é\", \"c\": {}}",
                PythonJson.dumps(new ObjectMapper().readTree(in)));
    }

    @Test
    void floatsInPythonReprForm() {
        assertEquals("1.0", PythonJson.pythonFloat(1.0));
        assertEquals("0.5", PythonJson.pythonFloat(0.5));
        assertEquals("0.0001", PythonJson.pythonFloat(1e-4));
        assertEquals("1e-05", PythonJson.pythonFloat(1e-5));
        assertEquals("1.5e-07", PythonJson.pythonFloat(1.5e-7));
        assertEquals("1e+16", PythonJson.pythonFloat(1e16));
        assertEquals("1234567890123456.0", PythonJson.pythonFloat(1234567890123456.0));
        assertEquals("1e+20", PythonJson.pythonFloat(1e20));
        assertEquals("-2.25", PythonJson.pythonFloat(-2.25));
        assertEquals("0.1", PythonJson.pythonFloat(0.1));
        assertEquals("123.456", PythonJson.pythonFloat(123.456));
        assertEquals("-0.0", PythonJson.pythonFloat(-0.0));
    }
}

package hy.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text cells printed as aligned columns: cells of numeric columns are right-aligned, the others left-aligned.
 * Columns are separated by two spaces; trailing blanks are trimmed.
 */
final class TextTable {
    private final String[] header;
    private final boolean[] numeric;
    private final List<String[]> rows = new ArrayList<>();

    /** {@code columns}: the header cells; a leading '>' marks a right-aligned (numeric) column and is not printed. */
    TextTable(String... columns) {
        header = new String[columns.length];
        numeric = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++) {
            numeric[i] = columns[i].startsWith(">");
            header[i] = numeric[i] ? columns[i].substring(1) : columns[i];
        }
    }

    TextTable row(Object... cells) {
        if (cells.length != header.length) throw new IllegalArgumentException("row has " + cells.length + " cells, table " + header.length);
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = String.valueOf(cells[i]);
        rows.add(r);
        return this;
    }

    void print(PrintWriter out, String indent, boolean withHeader) {
        int[] width = new int[header.length];
        List<String[]> all = new ArrayList<>();
        if (withHeader) all.add(header);
        all.addAll(rows);
        for (String[] r : all) {
            for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        }
        for (String[] r : all) {
            StringBuilder sb = new StringBuilder(indent);
            for (int i = 0; i < r.length; i++) {
                if (i > 0) sb.append("  ");
                String pad = " ".repeat(width[i] - r[i].length());
                sb.append(numeric[i] ? pad + r[i] : r[i] + pad);
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}

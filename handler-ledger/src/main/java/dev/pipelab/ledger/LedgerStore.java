package dev.pipelab.ledger;

import dev.pipelab.ledger.LedgerRequest.Balance;
import dev.pipelab.ledger.LedgerRequest.Count;
import dev.pipelab.ledger.LedgerRequest.Invalid;
import dev.pipelab.ledger.LedgerRequest.Open;
import dev.pipelab.ledger.LedgerRequest.Show;
import dev.pipelab.ledger.LedgerRequest.Syncs;
import dev.pipelab.ledger.LedgerRequest.Total;
import dev.pipelab.ledger.LedgerRequest.Transfer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The ledger's tables in one SQLite database file, through one connection that only one thread
 * uses. Requests are applied inside a transaction that {@link #commit} makes durable: the file is
 * in WAL mode with {@code synchronous=FULL}, so each commit that changed something ends with one
 * fsync of the write-ahead log, and a commit that returned has survived a crash of the process,
 * of the OS or of the power. (With {@code synchronous=NORMAL} a WAL commit would be synced only at
 * the next checkpoint: safe from {@code kill -9}, which leaves the OS's page cache, not from a
 * power cut. That is why it is FULL.)
 *
 * <p>An application error ({@code error: insufficient funds}) is found before anything is
 * written, so it changes nothing and the transaction goes on with the next request.
 */
final class LedgerStore implements AutoCloseable {

    private final Path file;
    private final Connection connection;
    private final PreparedStatement balanceOf;
    private final PreparedStatement openAccount;
    private final PreparedStatement addToBalance;
    private final PreparedStatement insertTransfer;
    private final PreparedStatement lastId;
    private final PreparedStatement transferById;
    private final PreparedStatement sumOfBalances;
    private final PreparedStatement transferCount;
    private boolean changed; // this transaction wrote something: its commit syncs
    private volatile long syncs; // written by the one thread that uses the connection, read by any

    /** Opens (or creates) the ledger in {@code file}. */
    LedgerStore(Path file) throws SQLException {
        this.file = file.toAbsolutePath();
        this.connection = DriverManager.getConnection("jdbc:sqlite:" + this.file);
        try {
            try (Statement s = connection.createStatement()) {
                try (ResultSet mode = s.executeQuery("PRAGMA journal_mode=WAL")) {
                    if (!mode.next() || !mode.getString(1).equalsIgnoreCase("wal")) {
                        throw new SQLException("the ledger file " + this.file + " cannot be put in WAL mode");
                    }
                }
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS accounts (name TEXT PRIMARY KEY,"
                        + " balance INTEGER NOT NULL CHECK (balance >= 0)) WITHOUT ROWID");
                s.execute("CREATE TABLE IF NOT EXISTS transfers (id INTEGER PRIMARY KEY,"
                        + " source TEXT NOT NULL, target TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0))");
            }
            connection.setAutoCommit(false);
            balanceOf = connection.prepareStatement("SELECT balance FROM accounts WHERE name = ?");
            openAccount = connection.prepareStatement("INSERT INTO accounts (name, balance) VALUES (?, ?)");
            addToBalance = connection.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE name = ?");
            insertTransfer =
                    connection.prepareStatement("INSERT INTO transfers (source, target, amount) VALUES (?, ?, ?)");
            lastId = connection.prepareStatement("SELECT last_insert_rowid()");
            transferById = connection.prepareStatement("SELECT source, target, amount FROM transfers WHERE id = ?");
            sumOfBalances = connection.prepareStatement("SELECT coalesce(sum(balance), 0) FROM accounts");
            transferCount = connection.prepareStatement("SELECT count(*) FROM transfers");
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Applies {@code request} in the current transaction and returns its reply. */
    String apply(LedgerRequest request) throws SQLException {
        return switch (request) {
            case Open open -> open(open);
            case Transfer transfer -> transfer(transfer);
            case Balance b -> {
                long balance = balance(b.account());
                yield balance < 0 ? "error: no account " + b.account() : Long.toString(balance);
            }
            case Show show -> show(show.id());
            case Total t -> Long.toString(single(sumOfBalances));
            case Count c -> Long.toString(single(transferCount));
            case Syncs s -> Long.toString(syncs);
            case Invalid invalid -> invalid.reply();
        };
    }

    private String open(Open open) throws SQLException {
        if (balance(open.account()) >= 0) {
            return "error: account " + open.account() + " exists";
        }
        long total = single(sumOfBalances);
        if (total > Long.MAX_VALUE - open.amount()) {
            return "error: the total of all balances would pass " + Long.MAX_VALUE;
        }
        openAccount.setString(1, open.account());
        openAccount.setLong(2, open.amount());
        openAccount.executeUpdate();
        changed = true;
        return "ok";
    }

    private String transfer(Transfer t) throws SQLException {
        if (t.from().equals(t.to())) {
            return "error: same account";
        }
        long from = balance(t.from());
        if (from < 0) {
            return "error: no account " + t.from();
        }
        if (balance(t.to()) < 0) {
            return "error: no account " + t.to();
        }
        if (from < t.amount()) {
            return "error: insufficient funds";
        }
        // The total never passes Long.MAX_VALUE (open refuses it), so no balance can overflow.
        add(t.from(), -t.amount());
        add(t.to(), t.amount());
        insertTransfer.setString(1, t.from());
        insertTransfer.setString(2, t.to());
        insertTransfer.setLong(3, t.amount());
        insertTransfer.executeUpdate();
        changed = true;
        return "ok " + single(lastId); // ids are rowids: max + 1, so they increase; none is ever deleted
    }

    private void add(String account, long amount) throws SQLException {
        addToBalance.setLong(1, amount);
        addToBalance.setString(2, account);
        addToBalance.executeUpdate();
    }

    private String show(long id) throws SQLException {
        transferById.setLong(1, id);
        try (ResultSet r = transferById.executeQuery()) {
            return r.next() ? r.getString(1) + " " + r.getString(2) + " " + r.getLong(3) : "error: no transfer " + id;
        }
    }

    /** The balance of {@code account}, or -1 if there is no such account. */
    private long balance(String account) throws SQLException {
        balanceOf.setString(1, account);
        try (ResultSet r = balanceOf.executeQuery()) {
            return r.next() ? r.getLong(1) : -1;
        }
    }

    private static long single(PreparedStatement query) throws SQLException {
        try (ResultSet r = query.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Makes the transaction durable: when this returns, its changes have been synced to the disk. */
    void commit() throws SQLException {
        connection.commit();
        if (changed) {
            syncs++;
            changed = false;
        }
    }

    /** Undoes the whole transaction. */
    void rollback() throws SQLException {
        changed = false;
        connection.rollback();
    }

    /** Commits that changed the ledger, each one sync of the write-ahead log, since this store was opened. */
    long syncs() {
        return syncs;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws SQLException {
        connection.close(); // closes its statements; the last connection checkpoints the WAL into the file
    }
}

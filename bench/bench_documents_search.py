"""Search latency over a large generated corpus on PostgreSQL (heavy: run once, on a throw-away database).

    createdb -h 127.0.0.1 -U postgres congvu_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_bench \
        .venv/bin/python bench/bench_documents_search.py --docs 1000000 --queries 300
    dropdb -h 127.0.0.1 -U postgres congvu_bench

Rows are generated inside PostgreSQL (INSERT … SELECT from generate_series, in batches) from a
vocabulary of Vietnamese administrative words with a Zipf-like frequency: a subject of 10–14 words
and a "file text" of 60 words per document, over 20 agencies, both directions, six years of dates,
2 % confidential.  The folded search text is built from the folded vocabulary (what
``core.text.fold`` gives), so the index is what production would hold.  Queries go through the real
code path (``documents.selectors.search``: visibility, filters, ``ts_rank_cd`` ranking, total count)
as a clerk of one agency and as a superuser that sees every agency.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")

VOCAB = """ủy ban nhân dân thành phố tỉnh huyện xã phường sở nội vụ tài chính kế hoạch đầu tư y tế giáo dục đào tạo
thông tin truyền thông tư pháp khoa học công nghệ văn hóa thể thao du lịch lao động thương binh xã hội nông nghiệp
phát triển nông thôn tài nguyên môi trường giao thông vận tải xây dựng công thương thanh tra văn phòng quyết định
chỉ thị thông báo kế hoạch báo cáo tờ trình công văn giấy mời hướng dẫn chương trình đề án dự án biên bản quy chế
quy định triển khai thực hiện tăng cường chấn chỉnh kiện toàn thành lập phê duyệt ban hành sửa đổi bổ sung bãi bỏ
cải cách hành chính chuyển đổi số chính quyền điện tử dịch vụ công trực tuyến một cửa liên thông thủ tục hồ sơ
giải quyết tiếp nhận trả kết quả đánh giá chỉ số hài lòng người dân doanh nghiệp phòng chống dịch bệnh covid giãn
cách xã hội làm việc tại nhà trực tuyến họp giao ban tháng quý năm nhiệm vụ trọng tâm kết luận chủ tịch phó giám
đốc trưởng phòng chuyên viên cán bộ công chức viên chức tuyển dụng bổ nhiệm luân chuyển điều động khen thưởng kỷ
luật thi đua tổng kết sơ kết ngân sách dự toán quyết toán kinh phí tài sản công mua sắm đấu thầu đất đai quy hoạch
sử dụng đất giải phóng mặt bằng bồi thường tái định cư xây dựng nông thôn mới giảm nghèo an sinh bảo hiểm y tế
bảo hiểm xã hội việc làm đào tạo nghề trường học học sinh sinh viên thi tốt nghiệp trung học phổ thông bệnh viện
trạm y tế tiêm chủng vắc xin phòng cháy chữa cháy an ninh trật tự an toàn giao thông thiên tai bão lũ ứng phó cứu
hộ cứu nạn môi trường rác thải nước sạch vệ sinh an toàn thực phẩm giá cả thị trường xuất khẩu nhập khẩu thuế phí
lệ phí đăng ký kinh doanh hộ kinh doanh hợp tác xã khu công nghiệp cảng biển logistics điện lực viễn thông internet
an toàn thông tin bảo mật dữ liệu cơ sở dữ liệu quốc gia dân cư căn cước định danh điện tử chữ ký số văn thư lưu
trữ tài liệu hồ sơ công việc số hóa phần mềm quản lý văn bản điều hành hệ thống nền tảng tích hợp chia sẻ kết nối
đề nghị đôn đốc kiểm tra giám sát thanh tra khiếu nại tố cáo tiếp công dân phản ánh kiến nghị trả lời xử lý vi phạm
hành chính phạt tiền cưỡng chế thi hành án hòa giải cơ sở dân tộc tôn giáo tín ngưỡng lễ hội di tích danh lam
thắng cảnh biển đảo biên giới quốc phòng quân sự dân quân tự vệ tuyển quân nghĩa vụ hội nghị hội thảo tập huấn bồi
dưỡng nghiệp vụ kỹ năng ngoại ngữ tin học cơ quan đơn vị tổ chức cá nhân đoàn thể mặt trận tổ quốc công đoàn thanh
niên phụ nữ cựu chiến binh hội nông dân người cao tuổi trẻ em bình đẳng giới dân số kế hoạch hóa gia đình""".split()  # noqa: SIM905

TYPES = [("cong_van", ""), ("quyet_dinh", "QĐ"), ("thong_bao", "TB"), ("ke_hoach", "KH"), ("bao_cao", "BC"),
         ("to_trinh", "TTr"), ("giay_moi", "GM"), ("chi_thi", "CT"), ("huong_dan", "HD")]
STATUSES_IN = ["registered", "directed", "in_progress", "done", "done", "done"]
STATUSES_OUT = ["issued", "issued", "issued", "draft"]


def setup_org():
    from django.contrib.auth import get_user_model

    from congvu.org.models import Agency, Role, Staff

    User = get_user_model()
    root, _ = Agency.objects.get_or_create(code="000.00.00.B99", defaults={"name": "UBND tỉnh Bench",
                                                                           "short_name": "UBND"})
    agencies = []
    for i in range(20):
        a, _ = Agency.objects.get_or_create(code=f"000.00.{i + 1:02d}.B99", defaults={
            "name": f"Sở Thử tải {i + 1}", "short_name": f"STT{i + 1}", "parent": root})
        agencies.append(a)
    role, _ = Role.objects.get_or_create(code=Role.VAN_THU, defaults={"name": "Văn thư"})
    clerk_user, _ = User.objects.get_or_create(username="bench.clerk", defaults={"full_name": "Văn Thư Bench"})
    staff, _ = Staff.objects.get_or_create(user=clerk_user, defaults={"employee_code": "BENCH1",
                                                                       "agency": agencies[0]})
    staff.roles.add(role)
    root_user, _ = User.objects.get_or_create(username="bench.root", defaults={"full_name": "Root Bench",
                                                                               "is_superuser": True})
    return agencies, clerk_user, root_user


def generate(n: int, agencies, batch: int = 100_000) -> float:
    from django.db import connection

    from congvu.core.text import fold
    from congvu.documents.search import words

    folded = [" ".join(words(w)) for w in VOCAB]
    abbrs = [a for _, a in TYPES]
    codes = [c for c, _ in TYPES]
    shorts = [fold(a.short_name).upper() for a in agencies]
    agency_ids = [a.pk for a in agencies]
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM documents_document")
        existing = cur.fetchone()[0]
        if existing >= n:
            print(f"corpus already has {existing} documents", file=sys.stderr)
            return 0.0
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET work_mem = '64MB'")
        cur.execute("DROP INDEX IF EXISTS documents_searchentry_tsv_gin")
        cur.execute("SELECT coalesce(max(id), 0) FROM documents_document")
        base = cur.fetchone()[0]
        v = len(VOCAB)
        for start in range(existing + 1, n + 1, batch):
            end = min(start + batch - 1, n)
            cur.execute("DROP TABLE IF EXISTS bench_gen")
            cur.execute(f"""
                CREATE TEMP TABLE bench_gen AS
                SELECT g,
                  ARRAY(SELECT (floor({v} * power(random(), 2.2)))::int + 1
                        FROM generate_series(1, 10 + (mod(g, 5)))) AS s_idx,
                  ARRAY(SELECT (floor({v} * power(random(), 1.6)))::int + 1
                        FROM generate_series(1, 60 + (mod(g, 2)))) AS b_idx,
                  (mod(g, 20)) + 1 AS ag, (mod(g, {len(codes)})) + 1 AS ty
                FROM generate_series(%s, %s) g""", [start, end])  # noqa: S608 - numbers only
            cur.execute("""
                INSERT INTO documents_document (id, agency_id, direction, status, doc_type, number, symbol,
                  issuer_name, place, issued_on, subject, body, unit_abbr, signer_name, signer_title, authority,
                  authority_line, urgency, confidentiality, received_on, copies, note, file_copy_holder,
                  recipients_text, composed, created_at, updated_at)
                SELECT %(base)s + g, (%(agency_ids)s::bigint[])[ag],
                  CASE WHEN mod(g, 3) = 0 THEN 'outgoing' ELSE 'incoming' END,
                  CASE WHEN mod(g, 3) = 0 THEN (%(st_out)s::text[])[(mod(g, 4)) + 1]
                       ELSE (%(st_in)s::text[])[(mod(g, 6)) + 1] END,
                  (%(codes)s::text[])[ty], (mod(g, 3000)) + 1,
                  CASE WHEN (%(abbrs)s::text[])[ty] = '' THEN (%(shorts)s::text[])[ag] || '-VP'
                       ELSE (%(abbrs)s::text[])[ty] || '-' || (%(shorts)s::text[])[ag] END,
                  'Sở Thử tải ' || ag, 'Hải Phòng', DATE '2020-01-01' + (mod(g, 2190)),
                  array_to_string(ARRAY(SELECT (%(vocab)s::text[])[i] FROM unnest(s_idx) i), ' '),
                  '', '', '', '', '', '', (mod(g, 17) = 0)::int, (mod(g, 50) = 0)::int,
                  DATE '2020-01-01' + (mod(g, 2190)), 1, '', '', '', false, now(), now()
                FROM bench_gen""", {"base": base, "agency_ids": agency_ids, "st_out": STATUSES_OUT,
                                    "st_in": STATUSES_IN, "codes": codes, "abbrs": abbrs, "shorts": shorts,
                                    "vocab": VOCAB})
            cur.execute("""
                INSERT INTO documents_searchentry (document_id, agency_id, direction, doc_type, status,
                  confidentiality, day, text)
                SELECT d.id, d.agency_id, d.direction, d.doc_type, d.status, d.confidentiality, d.issued_on,
                  lower(concat_ws(' ', ((mod(g, 3000)) + 1)::text,
                  CASE WHEN (%(abbrs)s::text[])[ty] = '' THEN (%(shorts)s::text[])[ag] || ' vp'
                       ELSE (%(abbrs)s::text[])[ty] || ' ' || (%(shorts)s::text[])[ag] END,
                  array_to_string(ARRAY(SELECT (%(folded)s::text[])[i] FROM unnest(s_idx) i), ' '),
                  array_to_string(ARRAY(SELECT (%(folded)s::text[])[i] FROM unnest(b_idx) i), ' ')))
                FROM bench_gen JOIN documents_document d ON d.id = %(base)s + g""",
                        {"base": base, "abbrs": [fold(a) for a in abbrs], "shorts": shorts, "folded": folded})
            connection.commit() if not connection.get_autocommit() else None
            print(f"  {end:>9} documents, {time.monotonic() - started:7.1f} s", file=sys.stderr, flush=True)
        cur.execute("SELECT setval(pg_get_serial_sequence('documents_document', 'id'), "
                    "(SELECT max(id) FROM documents_document))")
        t = time.monotonic()
        cur.execute("CREATE INDEX documents_searchentry_tsv_gin ON documents_searchentry USING GIN (tsv)")
        print(f"  GIN index built in {time.monotonic() - t:.1f} s", file=sys.stderr, flush=True)
        cur.execute("ANALYZE documents_document")
        cur.execute("ANALYZE documents_searchentry")
    return time.monotonic() - started


def queries(k: int, seed: int = 7) -> list[tuple[str, dict]]:
    """Realistic queries: 1–3 words of the vocabulary (skewed to mid/rare words), some with filters."""
    rng = random.Random(seed)
    out = []
    for i in range(k):
        n = rng.choice([1, 2, 2, 3])
        q = " ".join(VOCAB[min(len(VOCAB) - 1, int(len(VOCAB) * rng.random() ** 0.7))] for _ in range(n))
        filters = {}
        if i % 4 == 1:
            filters["direction"] = "incoming"
        if i % 4 == 2:
            import datetime as dt

            filters["date_from"] = dt.date(2024, 1, 1)
        if i % 10 == 3:
            q = f"{rng.randint(1, 3000)} qd"
        out.append((q, filters))
    return out


def measure(user, qs) -> dict:
    from congvu.documents import selectors

    times, totals = [], []
    for q, filters in qs:
        t = time.perf_counter()
        hits, total = selectors.search(user, q, limit=20, **filters)
        times.append((time.perf_counter() - t) * 1000)
        totals.append(total)
    times.sort()
    return {"queries": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "p99_ms": round(times[int(len(times) * 0.99) - 1], 1),
            "max_ms": round(times[-1], 1), "median_hits": int(statistics.median(totals)), "max_hits": max(totals)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        sys.exit("run on a throw-away PostgreSQL database whose name contains 'bench' (see the docstring)")
    call_command("migrate", verbosity=0)
    agencies, clerk, root = setup_org()
    gen_s = generate(args.docs, agencies, args.batch)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM documents_document")
        n = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(coalesce(sum(pg_total_relation_size(inhrelid)), 0) "
                    "+ pg_total_relation_size('documents_searchentry')) FROM pg_inherits "
                    "WHERE inhparent = 'documents_searchentry'::regclass")
        size = cur.fetchone()[0]
    qs = queries(args.queries)
    measure(clerk, qs[:20])  # warm the cache
    result = {"documents": n, "generation_s": round(gen_s, 1), "search_table_size": size,
              "clerk_one_agency": measure(clerk, qs), "superuser_all_agencies": measure(root, qs)}
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

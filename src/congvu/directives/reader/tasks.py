"""Tasks: who must do what, with whom, by when, reporting to whom.

A task is found in a *unit* (bullet, numbered item, table row, paragraph) by one of:

* an assigning word followed by an agency: "Giao X …", "Yêu cầu X …", "Đề nghị X …";
* an agency as the subject of an obligation: "X chủ trì …", "X có trách nhiệm …", "Các sở … thực hiện …";
* a heading naming the lead ("1. Giao Sở Nội vụ:", "Giao Sở X chủ trì: …", "a) Sở Y tế:") — each
  item under it is a task of that lead;
* an introductory sentence naming the addressees ("… để Giám đốc các sở … triển khai các nội dung
  sau:") — items under it without their own subject are tasks of those addressees
  (``implicit_lead: true``);
* a table row with a "Cơ quan chủ trì" column;
* as a last resort, the addressee of the closing sentence of a notice.

A unit holding two leads gives two tasks; a unit whose first part carries its own deadline is split
there ("…trong tháng 11/2020; Chủ trì … hoàn thành trong tháng 12/2020").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from . import agencies as ag
from . import deadlines as dl
from .normalise import Clean, Unit

_UP = ag._UP
_LOW = ag._LOW

_COMMA = re.compile(r",\s+")
_SOURCE_TAG = re.compile(r"\([^()]{1,30}\)\s*[-–—]\s*")
_REQUEST = re.compile(r"(?<![\w])(?:đề nghị|yêu cầu|Đề nghị|Yêu cầu)\s+")
_EMPTY_PREDICATE = re.compile(r"(?:[\s,]*(?:quan tâm|phối hợp|nghiêm túc|khẩn trương|triển khai|tổ chức|chỉ đạo"
                              r"|thực hiện|và|chủ động))+"
                              # "… nghiêm túc thực hiện; trong quá trình thực hiện, nếu có khó khăn …",
                              # "… nghiêm túc thực hiện và chịu trách nhiệm trước Chủ tịch … nếu để chậm trễ …"
                              r"(?:\s*;\s*(?:trong quá trình|quá trình|nếu có)[^.]*"
                              r"|\s+(?:và\s+)?chịu trách nhiệm trước\s[^.;]*\bnếu\s[^.;]*)?[\s./]*$")
_LEADING_QUALIFIER = re.compile(
    r"(?:theo|căn cứ|trong phạm vi)\s+(?:chức năng|thẩm quyền)(?:\s*,\s*nhiệm vụ)?(?:\s+được giao)?(?:\s+của mình)?"
    r"\s*,\s*")
_IS_RESPONSIBLE = re.compile(r"là\s[^.;]{1,80}?,\s*(?:có trách nhiệm|chịu trách nhiệm|có nhiệm vụ)")
_CONNECTIVE = re.compile(
    r"(?:Theo đó|Đồng thời|Ngoài ra|Bên cạnh đó|Trong đó|Thời gian tới|Trong thời gian tới|Trước mắt|Cụ thể|Mặt khác"
    r"|Sau đó|Tiếp theo|Riêng|Từ nay|Trước hết|Trên cơ sở đó|Vì vậy|Do đó|Cùng với đó|Tiếp đó|Song song|Để thực hiện"
    r"|Để làm tốt công tác này|Đối với nội dung này)\s*,\s*"
)
_TOPIC = re.compile(r"(?:Về|VỀ|Về việc)\s[^:]{1,320}?:\s+(?=\S)")
_ANCHOR = re.compile(r"(?P<v>Giao|giao|Yêu cầu|yêu cầu|Đề nghị|đề nghị|Phân công|phân công|chỉ đạo)(?P<colon>\s*:)?\s+"
                     r"(?:(?:nhiệm vụ|trách nhiệm)\s+)?(?:cho\s+)?")
_ANCHOR_INTRO = re.compile(
    r"(?<![\w])(?:Giao|giao|Yêu cầu|yêu cầu|Đề nghị|đề nghị|để|Để|đối với|Đối với|đến|tới)\s+(?:cho\s+)?")
_ADVERBIAL = re.compile(
    r"(?:Trong|Khi|Để|Nhằm|Trường hợp|Sau khi|Căn cứ|Trên cơ sở|Qua|Từ|Hiện nay|Trước|Theo|Ngày|Thực hiện"
    r"|Triển khai|Với|Đến|Tại|Nay|Tuy nhiên|Mặc dù|Đối với)\b"
)
_NON_VERB_START = re.compile(
    r"(?:Các|Những|Trên|Đây|Nay|Ngày|Trong|Theo(?!\s+dõi)|Căn cứ|Nhằm|Qua|Sau khi|Tuy|Do|Vì|Như|Nếu|Hiện|Thời gian"
    r"|Kết quả|Năm|Tổng số|Tổng cộng|Tình hình|Mục|Điều|Nơi|Kính|Phần|Chương|Số\s*:|Số lượng|Số liệu|Tài liệu|Nguồn|Ảnh"
    r"|Bài|Tin|Việc|Đó là|Đối với"
    r"|Đây là|Đánh giá cao|Ghi nhận|Biểu dương|Hoan nghênh|Trân trọng|Xin|Cảm ơn|Chúc|Sản phẩm|Kinh phí"
    r"|Hạn hoàn thành|Thời hạn|Thông tin chi tiết|Chi tiết|Mọi thông tin|Mọi chi tiết|Mẫu biểu|Biểu mẫu"
    # a passive sentence about a document: "Báo cáo phải được người đứng đầu ký …"
    r"|(?:Báo cáo|Văn bản|Hồ sơ|Kế hoạch|Danh sách)(?:\s+\S+){0,3}?\s+(?:phải|cần|sẽ)?\s*được)"
    rf"(?![{_LOW}])"
)
_SENT_BOUNDARY = re.compile(rf"(?<=[.!?;])\s+(?=[{_UP}])|(?<=:)\s+(?=(?:Giao|Yêu cầu|Đề nghị)\s)"
                            rf"|(?<=;)\s+(?=giao\s+[{_UP}])")
_CLAUSE_BOUNDARY = re.compile(rf"(?<=;)\s+(?=[{_LOW}])")
_DOT_ABBR = re.compile(r"(?:^|\s)(?:TP|Tp|TS|ThS|PGS|GS|KT|TM|TL|Q|ông|bà|St|v\.v)\.$")
_BOILER = re.compile(
    r"^(?:Trên đây\b|(?:Văn phòng|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Sở|Ban)[^.;:]{0,120}?"
    r"(?<!Truyền )\bthông báo\b"
    r"|[^.;]{0,160}?\bthông báo\s+(?:để|đến|cho)\s[^.]*\b(?:biết|thực hiện)\b)"
)
_GENERIC = re.compile(
    r"^(?:Giao\s+)?[^.;]{0,160}?\s(?:tổ chức thực hiện|tổ chức triển khai thực hiện|triển khai thực hiện|thi hành)\s+"
    r"(?:Nghị quyết|Quyết định|Kế hoạch|Chỉ thị|Công điện|Thông báo|Chương trình|Công văn|văn bản)\s+này\s*[./]*\s*$"
    r"|căn cứ\s+(?:Quyết định|Nghị quyết|Kế hoạch|Chỉ thị)(?:\s+này)?\s+thi hành"
    r"|(?:chịu trách nhiệm|có trách nhiệm)\s+"
    r"(?:thi hành|tổ chức triển khai thực hiện|tổ chức triển khai|tổ chức thực hiện|triển khai thực hiện|thực hiện"
    r"|triển khai)\s+"
    r"[^.;]{0,40}?(?:này|nêu trên)\b"
    r"|nghiêm túc (?:triển khai\s+)?(?:thực hiện|quán triệt|tổ chức thực hiện)[^.;]{0,50}?(?:này|nêu trên)\s*[./]"
    r"|(?:Quyết định|Kế hoạch|Chỉ thị|Nghị quyết|Công điện)\s+này\s+có hiệu lực"
)
# the same, at a sentence start inside a unit (``match(text, pos)`` does not honour "^" there)
_CONDITIONAL_AT = re.compile(r"(?:Trong quá trình|Quá trình|Nếu|Trường hợp)[^.]{0,120}?nếu có"
                             r"|(?:Trong quá trình|Quá trình)[^.]{0,80}?(?:khó khăn|vướng mắc|phát sinh)"
                             r"|Nếu có (?:khó khăn|vướng mắc)")
_RANGE = re.compile(rf"\s+từ\s+[{_UP}][^:;.]{{0,60}}?\s+đến\s+[{_UP}][^:;.]{{0,60}}$")
_PERSON_LINE = re.compile(rf"[{_UP}][{_LOW}]+(?:\s[{_UP}][{_LOW}]+){{1,3}}$")
# "Các đơn vị báo cáo khó khăn, vướng mắc (nếu có) về Sở Y tế …": a conditional clause, no task
_DIFFICULTIES = re.compile(r"[^.;]{0,120}?\bbáo cáo\s+(?:các\s+)?(?:khó khăn|vướng mắc)[^.;]{0,40}?\(nếu có\)")
_ACCOUNTABLE = re.compile(r"\s*chịu trách nhiệm\s+trước\s")
_CONDITIONAL = re.compile(r"^(?:Trong quá trình|Quá trình|Nếu|Trường hợp)[^.]{0,120}?nếu có"
                          r"|^(?:Trong quá trình|Quá trình)"
                          r"[^.]{0,80}?(?:khó khăn|vướng mắc|phát sinh)|^Nếu có (?:khó khăn|vướng mắc)")
_SKIP_SECTION = re.compile(r"MỤC ĐÍCH|YÊU CẦU|MỤC TIÊU|QUAN ĐIỂM|CĂN CỨ|TÌNH HÌNH|KẾT QUẢ|ĐÁNH GIÁ|SỰ CẦN THIẾT|"
                           r"PHẠM VI|ĐỐI TƯỢNG|KINH PHÍ")
_HEAD_SEGMENT = re.compile(r"^\s*(?:chủ trì(?:\s*,\s*phối hợp.*)?|phối hợp(?:\s+với)?\s.*)?\s*$")
_COORD = re.compile(
    r"(?<![\w])(?:phối hợp|Phối hợp|phối với|Phối với)(?:\s+(?:chặt chẽ|tốt|thường xuyên|đồng bộ|nhịp nhàng))?"
    r"(?:\s+(?:với|cùng))?\s+|(?<![\w])(?:cùng với|Cùng với|cùng|Cùng)\s+(?=[" + _UP + r"]|các\s)"
)
_DIRECTED = re.compile(r"(?:chỉ đạo|hướng dẫn|đôn đốc|yêu cầu|đề nghị)\s+(?:các\s+)?[" + _UP + r"]")
_REPORT = re.compile(
    r"(?<![\w])(?P<v>báo cáo|Báo cáo|trình|Trình|đề xuất|Đề xuất|tham mưu|Tham mưu|kiến nghị|Kiến nghị|gửi|Gửi)"
    r"(?![\w])"
)
_REPORT_DIRECT = re.compile(r"\s*(?:,\s*)?(?:(?:cho|lên|về|đến|tới)\s+)?")
_REPORT_FILLER = re.compile(r"\s+((?:[^\s.;:()]+\s+){0,12}?)(?:về|lên|cho|đến|tới)\s+")
_BARE_ADDRESSEE = re.compile(r"(?:Chính phủ|Trung ương|Quốc hội|Bộ Chính trị|Ban Bí thư)(?![\w])")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)$")
_SENT_PAPER = re.compile(r"báo cáo|kết quả|kế hoạch|phương án|danh sách|hồ sơ|dự thảo|đề xuất")
_NOT_TRINH = re.compile(r"(?:chương|quá|lộ|công|tờ|hành|giáo|tiến|quy|lập|thuyết)\s$")


@dataclass
class Ctx:
    level: float
    lead: str | None
    coords: list[str]
    implicit: bool
    plain: bool = False


@dataclass
class Start:
    action: int  # offset of the action start in the unit text
    lead: str
    lead_start: int
    lead_end: int
    bound: int = -1  # start of its sentence: the previous task ends there


@dataclass
class Reader:
    clean: Clean
    known: re.Pattern | None
    doc_date: object = None
    fallback_year: int | None = None
    tasks: list[dict] = field(default_factory=list)

    # -- helpers --------------------------------------------------------------------------------

    def _task(self, unit: Unit, text: str, a: int, b: int, lead: str, implicit: bool,
              extra_coords: list[str] | None = None, spans=None) -> None:
        q = _LEADING_QUALIFIER.match(text, a, b) or _CONNECTIVE.match(text, a, b)
        if q:
            a = q.end()
        while b > a and text[b - 1].isspace():
            b -= 1
        # the closing mark "./." or "/." is not part of the action
        while b > a and text[b - 1] == "/" or text[a:b].endswith("/."):
            b -= 1 if text[b - 1] == "/" else 2
            while b > a and text[b - 1].isspace():
                b -= 1
        action = text[a:b]
        if not action.strip():
            return
        spans = spans if spans is not None else ag.known_spans(text, self.known)
        coords = list(extra_coords or [])
        for c in self.coordinators(text, a, b, spans):
            if c not in coords and c != lead:
                coords.append(c)
        deadline = dl.find(action, doc_date=self.doc_date, fallback_year=self.fallback_year)
        start, end = self.clean.source_span(unit.clean_offset(a), unit.clean_offset(b - 1) + 1)
        self.tasks.append({
            "lead": lead,
            "coordinators": coords,
            "action": action,
            "deadline": deadline.deadline,
            "deadline_text": deadline.text,
            "report_to": self.report_to(action, ag.known_spans(action, self.known)),
            "implicit_lead": implicit,
            "lead_aliases": [],
            "due_at": deadline.due_at,
            "begins": deadline.begins,
            "recurring": deadline.recurring,
            "start": start,
            "end": end,
        })

    def coordinators(self, text: str, a: int, b: int, spans) -> list[str]:
        out: list[str] = []
        for n, m in enumerate(_COORD.finditer(text, a, b)):
            if n >= 40:
                break  # bounded work on pathological input
            back = max(a, m.start() - 200)
            clause_start = max(text.rfind(",", back, m.start()), text.rfind(";", back, m.start()),
                               text.rfind(".", back, m.start()), back)
            if _DIRECTED.search(text, clause_start, m.start()):
                continue
            ph = ag.list_phrase(text, m.end(), spans, limit=b)
            if ph is None:
                continue
            for item in ag.split_agencies(text[ph.start:ph.end]):
                if item not in out:
                    out.append(item)
        return out

    def report_to(self, text: str, spans) -> str | None:
        for n, m in enumerate(_REPORT.finditer(text)):
            if n >= 40:
                break  # bounded work on pathological input
            v = m.group("v")
            if v.lower() == "trình" and _NOT_TRINH.search(text[max(0, m.start() - 10):m.start()]):
                continue
            back = max(0, m.start() - 300)
            sentence = text[max(text.rfind(".", back, m.start()), back):m.start()]
            if "nếu có" in sentence:
                continue
            d = _REPORT_DIRECT.match(text, m.end())
            pos = d.end()
            ph = ag.list_phrase(text, pos, spans) if ag.HEAD.match(text, pos) else None
            if ph is None and v.lower() != "gửi":
                bare = _BARE_ADDRESSEE.match(text, pos)  # "trình Chính phủ", "báo cáo Trung ương"
                if bare:
                    return bare.group()
            if ph is None:
                f = _REPORT_FILLER.match(text, m.end())
                if f and ag.HEAD.match(text, f.end()):
                    filler = f.group(1)
                    if v.lower() == "gửi" and filler and not _SENT_PAPER.search(filler):
                        continue
                    ph = ag.list_phrase(text, f.end(), spans)
            if ph is not None:
                found = text[ph.start:ph.end]
                # "Bộ Tài chính (Cục Quản lý nợ …)", "Bộ Nội vụ (qua Vụ Cải cách hành chính)": the addressee
                pm = _TRAILING_PAREN.search(found)
                return found[:pm.start()] if pm and pm.start() > 0 else found
        return None

    # -- starts within a unit ---------------------------------------------------------------------

    def starts(self, text: str, begin: int, spans) -> list[Start]:
        found: list[Start] = []
        bounds = [begin]
        for m in _SENT_BOUNDARY.finditer(text, begin):
            if text[m.start() - 1] == "." and _DOT_ABBR.search(text[max(0, m.start() - 6):m.start()]):
                continue
            bounds.append(m.end())
        bounds.append(len(text))
        k = 0
        while k + 1 < len(bounds):
            s, e = bounds[k], bounds[k + 1]
            if _CONDITIONAL_AT.match(text, s) or _DIFFICULTIES.match(text, s, e):
                k += 1
                continue  # "Trong quá trình thực hiện, nếu có khó khăn, … đề nghị X phản ánh …": no task
            st = self._start_in_sentence(text, s, e, spans)
            if st and s > begin and _ACCOUNTABLE.match(text, st.lead_end):
                # "… cuối năm. Người đứng đầu chịu trách nhiệm trước Chính phủ về …": the accountability of the
                # item's own lead, part of its task
                st = None
            if st is None and text[s:e].rstrip().endswith(";"):
                # "Thủ trưởng các cơ quan …; Chủ tịch UBND các huyện … phối hợp …": one lead across ";"
                ph = ag.lead_phrase(text, s, spans)
                if ph and ph.end > e and ph.directive and not ag.is_issuer(text[ph.start:ph.end]):
                    st = Start(s, text[ph.start:ph.end], ph.start, ph.end)
                    while k + 1 < len(bounds) and bounds[k + 1] <= ph.end:
                        k += 1
            if st:
                st.bound = s if st.action - s < 40 and not _ADVERBIAL.match(text, s) else st.action
                found.append(st)
            k += 1
        return found

    def _start_in_sentence(self, text: str, s: int, e: int, spans) -> Start | None:
        tag = _SOURCE_TAG.match(text, s)  # "(HNM) - Theo Công văn …" in press articles
        if tag:
            s = tag.end()
        p = s
        c = _CONNECTIVE.match(text, p)
        if c:
            p = c.end()
        st = self._start_at(text, p, e, spans)
        if st:
            return st
        if _ADVERBIAL.match(text, s) or c:
            for n, m in enumerate(_COMMA.finditer(text, p, e)):
                if n >= 12:
                    break  # the subject follows one of the first clauses, never the hundredth
                st = self._start_at(text, m.end(), e, spans, mid=True)
                if st:
                    return st
        return None

    def _start_at(self, text: str, p: int, e: int, spans, *, mid: bool = False) -> Start | None:
        a = _ANCHOR.match(text, p)
        if a and a.group("v") == "chỉ đạo" and not mid:
            # "3. Đối với UBND các huyện: chỉ đạo Phòng Nội vụ hướng dẫn …": the heading's lead directs X
            return None
        if a:
            ph = ag.lead_phrase(text, a.end(), spans, limit=e)
            if ph and (ph.directive or ph.stop_word in (":", None)) and not ph.narrative:
                return Start(ph.start if a.group("colon") else p, text[ph.start:ph.end], ph.start, ph.end)
            return None
        ph = ag.lead_phrase(text, p, spans, limit=e)
        if ph is None:
            return None
        lead = text[ph.start:ph.end]
        if ph.stop_word in ("yêu cầu", "đề nghị", "giao", "phân công") or (
                ph.stop_word == "chỉ đạo" and ag.is_issuer(lead)):
            # "UBND tỉnh yêu cầu X …", "Ban Thường vụ giao X …": X is the lead
            a = _ANCHOR.match(text, ph.stop_pos)
            if a:
                ph2 = ag.lead_phrase(text, a.end(), spans, limit=e)
                if ph2 and ph2.directive:
                    # "giao: X làm …; Y làm …" — a list of subject sentences: the action starts at the lead
                    action = ph2.start if a.group("colon") else ph.stop_pos
                    return Start(action, text[ph2.start:ph2.end], ph2.start, ph2.end)
        if ag.is_issuer(lead):
            return None
        if ph.directive:
            return Start(p, lead, ph.start, ph.end)
        if ph.stop_word == "là" and _IS_RESPONSIBLE.match(text, ph.stop_pos, e):
            return Start(p, lead, ph.start, ph.end)
        return None

    # -- headings and intros ----------------------------------------------------------------------

    def heading(self, text: str, spans) -> tuple[str, list[str], int] | None:
        """(lead, coordinators, offset of the content after ':' or len) for a heading naming a lead."""
        p = 0
        a = re.match(r"(?:Giao|Đề nghị|Yêu cầu|Đối với|(?:Trách nhiệm|Nhiệm vụ) của)\s+(?:cho\s+)?", text)
        if a:
            p = a.end()
        ph = ag.lead_phrase(text, p, spans)
        if ph is None:
            return None
        lead = text[ph.start:ph.end]
        colon = text.find(":", ph.end)
        if colon >= 0 and _RANGE.match(text, ph.end, colon):
            # "1. Chủ tịch UBND các tỉnh, thành phố từ Quảng Ninh đến Bình Định:"
            return text[ph.start:colon].rstrip(), [], colon + 1
        if ph.stop_word in (":", None) and (colon >= 0 or ph.end >= len(text.rstrip(" :."))):
            if colon < 0:
                if not a and ph.stop_word is None and len(text) > 120:
                    return None
                return lead, [], len(text)
            if text[ph.end:colon].strip(" ,"):
                return None
            return lead, [], colon + 1
        if colon < 0:
            return None
        segment = text[ph.end:colon]
        if len(segment) > 200 or re.search(r"[.;]", segment) or not _HEAD_SEGMENT.match(segment):
            return None
        coords = []
        cm = _COORD.search(segment)
        if cm:
            lp = ag.list_phrase(segment, cm.end(), [])
            if lp:
                coords = ag.split_agencies(segment[lp.start:lp.end])
        return lead, coords, colon + 1

    def intro_lead(self, text: str, spans) -> str | None:
        for m in _ANCHOR_INTRO.finditer(text):
            ph = ag.lead_phrase(text, m.end(), spans)
            if ph and (ph.directive or ph.stop_word == ":" and text[ph.end:].strip() == ":"):
                lead = text[ph.start:ph.end]
                if not ag.is_issuer(lead) or m.group().strip().lower() not in ("để",):
                    return lead
        c = _CONNECTIVE.match(text)
        ph = ag.lead_phrase(text, c.end() if c else 0, spans)
        if ph and ph.directive and not ag.is_issuer(text[ph.start:ph.end]):
            return text[ph.start:ph.end]
        return None

    # -- the document -----------------------------------------------------------------------------

    def read(self, units: list[Unit]) -> list[dict]:
        stack: list[Ctx] = []
        open_kinds: list[str] = []
        skip_level: int | None = None
        orphans: list[tuple[Unit, int]] = []
        closing: str | None = None
        table: dict | None = None
        taken: set[int] = set()
        for i, u in enumerate(units):
            if i in taken:
                continue
            text = u.text
            if u.kind is None and self.tasks and i and units[i - 1].kind not in (None, "table") \
                    and self._accountability(text) and self.tasks[-1]["end"] <= self.clean.source_offset(
                        u.clean_offset(0)):
                # "2. Chỉ đạo … cuối năm.\nNgười đứng đầu chịu trách nhiệm trước Chính phủ …" broken after the
                # item's sentence: the accountability belongs to the item's task
                last = self.tasks[-1]
                b = len(text.rstrip())
                last["action"] = f"{last['action']} {text[:b]}"
                last["end"] = self.clean.source_span(u.clean_offset(0), u.clean_offset(b - 1) + 1)[1]
                continue
            details = self._item_details(units, i)
            if details:
                taken.update(details[0])
                self._structured_item(u, details[1])
                continue
            if u.kind == "table":
                table = self._table_row(u, table)
                continue
            table = None
            if u.kind is not None:
                if u.kind in open_kinds:
                    del open_kinds[open_kinds.index(u.kind) + 1:]
                else:
                    open_kinds.append(u.kind)
                level: float = open_kinds.index(u.kind)
            else:
                level = len(open_kinds) - 0.5
            # sections of a plan that hold no tasks (purpose, requirements, background)
            if u.kind in ("roman", "part") or (u.kind is None and len(text) < 120 and _is_upper(text)):
                if skip_level is not None and level <= skip_level:
                    skip_level = None
                if _is_upper(text[:60]) and _SKIP_SECTION.search(text[:80]):
                    skip_level = level
                    continue
            elif skip_level is not None and level > skip_level:
                continue
            if u.kind is not None:
                while stack and stack[-1].level >= level:
                    stack.pop()
            stripped = text.strip()
            if _BOILER.match(stripped) and not stripped.endswith(":"):
                m = re.search(r"\bthông báo\s+(?:để|đến|cho)\s+", stripped)
                if m:
                    ph = ag.lead_phrase(stripped, m.end(), ag.known_spans(stripped, self.known))
                    if ph:
                        closing = stripped[ph.start:ph.end]
                continue
            if _GENERIC.search(stripped) or _CONDITIONAL.match(stripped) or self._closing_request(stripped):
                continue
            spans = ag.known_spans(text, self.known)
            begin = 0
            t = _TOPIC.match(text)
            if t:
                begin = t.end()
            elif text.startswith("Đối với "):
                pass
            # a heading naming the lead (with or without the first task after its colon)
            head = self.heading(text[begin:], ag.known_spans(text[begin:], self.known))
            if head and (text.rstrip().endswith(":") or head[2] < len(text[begin:]) or u.kind is not None):
                lead, coords, after = head
                after += begin
                ctx = Ctx(level, lead, coords, False, plain=u.kind is None)
                self._push(stack, ctx)
                rest = len(text) - len(text[after:].lstrip())
                if rest < len(text):
                    self._unit_tasks(u, text, rest, spans, ctx)
                continue
            if stripped.endswith(":"):
                own = self.starts(text, begin, spans)
                if own and own[0].action == begin:
                    # "1. Các cơ quan … tập trung thực hiện các nhiệm vụ sau:" — the item's own heading
                    coords = self.coordinators(text, begin, len(text), spans)
                    self._push(stack, Ctx(level, own[0].lead, coords, False, plain=u.kind is None))
                    continue
                lead = self.intro_lead(text[begin:], ag.known_spans(text[begin:], self.known))
                self._push(stack, Ctx(level, lead, [], lead is not None, plain=u.kind is None))
                continue
            if u.kind is None and (len(text) < 120 and _is_upper(text) or _PERSON_LINE.match(stripped)
                                   and not ag.HEAD.match(stripped)):
                continue  # a running page title ("KẾT LUẬN PCT … - CAO TỐC …") or an author's byline
            ctx = next((c for c in reversed(stack) if c.lead), None)
            made = self._unit_tasks(u, text, begin, spans, ctx)
            if not made and ctx is None and u.kind in ("n1", "dash", "plus", "letter", "dot", "n2") \
                    and _verb_start(text[begin:]):
                orphans.append((u, begin))
        if closing and orphans and not self.tasks:
            for u, begin in orphans:
                self._task(u, u.text, begin, len(u.text), closing, True)
        return self.tasks

    def _closing_request(self, text: str) -> bool:
        """"Bộ Nội vụ đề nghị các Bộ, ngành quan tâm, phối hợp thực hiện./." — a request with no content."""
        for m in _REQUEST.finditer(text):
            ph = ag.lead_phrase(text, m.end(), ag.known_spans(text, self.known))
            if ph and _EMPTY_PREDICATE.match(text, ph.end):
                return True
        return False

    def _push(self, stack: list[Ctx], ctx: Ctx) -> None:
        if ctx.plain:
            while stack and stack[-1].plain and stack[-1].level >= ctx.level:
                stack.pop()
        stack.append(ctx)

    def _unit_tasks(self, u: Unit, text: str, begin: int, spans, ctx: Ctx | None) -> bool:
        own = self.starts(text, begin, spans)
        pieces: list[tuple[int, int, str, bool, list[str]]] = []
        if own:
            first = own[0].action
            if first > begin and ctx and _verb_start(text[begin:first]) and len(text[begin:first].strip()) > 20:
                pieces.append((begin, first, ctx.lead, ctx.implicit, ctx.coords))
            for k, st in enumerate(own):
                end = own[k + 1].bound if k + 1 < len(own) else len(text)
                pieces.append((st.action, end, st.lead, False, []))
        elif ctx and _verb_start(text[begin:]):
            pieces.append((begin, len(text), ctx.lead, ctx.implicit, ctx.coords))
        if not pieces:
            return False
        for a, b, lead, implicit, coords in pieces:
            for ga, gb in self._split_by_deadline(text, a, b):
                self._task(u, text, ga, gb, lead, implicit, coords, spans)
        return True

    def _split_by_deadline(self, text: str, a: int, b: int) -> list[tuple[int, int]]:
        cuts = [a]
        for m in _SENT_BOUNDARY.finditer(text, a, b):
            cuts.append(m.end())
        clauses = [m.end() for m in _CLAUSE_BOUNDARY.finditer(text, a, b)]
        if clauses:
            # "…trong năm 2025; định kỳ hằng tháng báo cáo …": a clause with its own time after a dated part
            sentence_cuts = sorted(cuts)
            bounds = [a] + clauses + [b]
            head_dated = False
            for k, c in enumerate(clauses):
                head_dated = head_dated or self._dated(text[bounds[k]:c])
                if not head_dated:
                    continue
                j = bisect_right(sentence_cuts, c)
                nxt = sentence_cuts[j] if j < len(sentence_cuts) else b
                if self._dated(text[c:min(nxt, bounds[k + 2])], recurring=True):
                    cuts.append(c)
        cuts = sorted(set(cuts))
        if cuts[-1] != b:
            cuts.append(b)
        groups: list[list[int]] = []
        cur: list[int] | None = None
        for s, e in zip(cuts, cuts[1:], strict=False):
            seg = text[s:e]
            if cur is None:
                cur = [s, e]
            else:
                cur[1] = e
            if dl.find(seg, doc_date=self.doc_date, fallback_year=self.fallback_year).deadline:
                groups.append(cur)
                cur = None
        if cur is not None:
            if groups and not _verb_start(text[cur[0]:cur[1]]):
                groups[-1][1] = cur[1]
            else:
                groups.append(cur)
        # a group that does not start like a task joins the one before it
        merged: list[list[int]] = []
        for g in groups:
            if merged and not _verb_start(text[g[0]:g[1]]):
                merged[-1][1] = g[1]
            else:
                merged.append(g)
        return [(g[0], g[1]) for g in merged]

    def _dated(self, text: str, *, recurring: bool = False) -> bool:
        d = dl.find(text, doc_date=self.doc_date, fallback_year=self.fallback_year)
        return bool(d.deadline or (recurring and d.recurring))

    def _accountability(self, text: str) -> bool:
        ph = ag.lead_phrase(text, 0, ag.known_spans(text, self.known))
        return ph is not None and ph.start == 0 and bool(_ACCOUNTABLE.match(text, ph.end))

    # -- structured items ---------------------------------------------------------------------

    @staticmethod
    def _item_details(units: list[Unit], i: int) -> tuple[list[int], dict[str, str]] | None:
        """"1. <content>" followed by "- Cơ quan chủ trì: X", "- Cơ quan phối hợp: Y", "- Thời hạn: Z" lines."""
        found: dict[str, str] = {}
        used: list[int] = []
        for j in range(i + 1, min(len(units), i + 7)):
            m = _DETAIL.match(units[j].text)
            if not m:
                break
            key = "lead" if m.group("lead") else "coord" if m.group("coord") else "time" if m.group("time") else ""
            if key in found:
                break
            if key:
                found[key] = units[j].text[m.end():].strip().rstrip(".;").strip()
            used.append(j)
        if not found.get("lead") or _DETAIL.match(units[i].text) or units[i].text.rstrip().endswith(":"):
            return None
        return used, found

    def _structured_item(self, u: Unit, details: dict[str, str]) -> None:
        text = u.text
        a = len(text) - len(text.lstrip())
        b = len(text.rstrip())
        coords = [x.rstrip(".") for x in ag.split_agencies(details.get("coord", ""))
                  if x not in ("-", "–", "")] if details.get("coord") else []
        deadline = dl.from_cell(details.get("time", ""), doc_date=self.doc_date, fallback_year=self.fallback_year)
        self._cell_task(u, a, b, action=text[a:b], lead=details["lead"], coords=coords, deadline=deadline)

    def _cell_task(self, u: Unit, a: int, b: int, *, action: str, lead: str, coords: list[str], deadline) -> None:
        """A task whose lead, coordinators and deadline come from labelled cells (a table row or a structured
        item), its action being the text between offsets ``a`` and ``b`` of unit ``u``."""
        start, end = self.clean.source_span(u.clean_offset(a), u.clean_offset(b - 1) + 1)
        self.tasks.append({
            "lead": lead,
            "coordinators": coords,
            "action": action,
            "deadline": deadline.deadline,
            "deadline_text": deadline.text,
            "report_to": self.report_to(action, ag.known_spans(action, self.known)),
            "implicit_lead": False,
            "lead_aliases": [],
            "due_at": deadline.due_at,
            "begins": deadline.begins,
            "recurring": deadline.recurring,
            "start": start,
            "end": end,
        })

    # -- tables ---------------------------------------------------------------------------------

    def _table_row(self, u: Unit, table: dict | None) -> dict | None:
        text = u.text
        cells = _cells(text, table.get("n") if table else None)
        if not cells:
            return table
        lowered = [c[2].lower() for c in cells]
        if table and table.get("pending") and len(cells) == len(table["pending"]):
            # a header over two rows: "Nội dung | Cơ quan thực hiện | …" then " | Chủ trì | Phối hợp | …"
            lowered = [f"{a} {b}".strip() for a, b in zip(table["pending"], lowered, strict=True)]
        lead_col = next((i for i, c in enumerate(lowered) if "chủ trì" in c), None)
        content_col = next((i for i, c in enumerate(lowered)
                            if i != lead_col and re.search(r"nội dung|nhiệm vụ|công việc|hoạt động|giải pháp", c)),
                           None)
        if lead_col is not None and content_col is not None and len(" ".join(lowered)) < 400:
            return {
                "lead": lead_col,
                "content": content_col,
                "coord": next((i for i, c in enumerate(lowered) if "phối hợp" in c and i != lead_col), None),
                "time": next((i for i, c in enumerate(lowered)
                              if re.search(r"thời gian|thời hạn|tiến độ|hoàn thành|hạn", c)
                              and i not in (lead_col, content_col)), None),
                "n": len(cells),
            }
        if content_col is not None and lead_col is None and re.search(r"cơ quan|đơn vị|thực hiện", " ".join(lowered)) \
                and max(len(c) for c in lowered) <= 60:  # header cells are short; a row naming "nhiệm vụ" is not one
            return {"pending": lowered, "n": len(cells)}  # the first row of a two-row header
        if table is None or "pending" in table:
            return None
        if len(cells) < max(table["lead"], table["content"]) + 1:
            return table
        lead = cells[table["lead"]][2]
        action_cell = cells[table["content"]]
        if not lead or not action_cell[2] or re.fullmatch(r"[\d.()\sIVX]+", lead):
            return table
        coords = []
        if table["coord"] is not None and table["coord"] < len(cells):
            coords = [x.rstrip(".") for x in ag.split_agencies(cells[table["coord"]][2]) if x not in ("-", "–")]
        time_cell = cells[table["time"]][2] if table["time"] is not None and table["time"] < len(cells) else ""
        deadline = dl.from_cell(time_cell, doc_date=self.doc_date, fallback_year=self.fallback_year)
        a, b = action_cell[0], action_cell[1]
        self._cell_task(u, a, b, action=action_cell[2], lead=lead, coords=coords, deadline=deadline)
        return table


_DETAIL = re.compile(
    r"\s*(?:(?P<lead>(?:Cơ quan|Đơn vị)\s+(?:chủ trì|thực hiện|thực hiện chính))"
    r"|(?P<coord>(?:Cơ quan|Đơn vị)\s+phối hợp)"
    r"|(?P<time>Thời hạn(?:\s+hoàn thành)?|Thời gian(?:\s+(?:hoàn thành|thực hiện))?|Hạn hoàn thành|Tiến độ)"
    r"|Sản phẩm|Kết quả|Kinh phí)\s*:", re.IGNORECASE)


def _cells(text: str, n: int | None = None) -> list[tuple[int, int, str]]:
    """Cells of a table row as (start, end, stripped text), empty outer cells of '| a | b |' dropped
    (unless that leaves fewer than ``n`` cells: a DOCX row whose first cell is empty)."""
    out = []
    pos = 0
    for part in text.split("|"):
        s = pos + (len(part) - len(part.lstrip()))
        e = pos + len(part.rstrip())
        out.append((s, max(s, e), part.strip()))
        pos += len(part) + 1
    raw = list(out)
    if out and not out[0][2] and text.lstrip().startswith("|"):
        out = out[1:]
    if out and not out[-1][2] and text.rstrip().endswith("|"):
        out = out[:-1]
    if n is not None and len(out) < n <= len(raw):
        return raw[len(raw) - n:] if not raw[-1][2] and len(raw) > n else raw[:n]
    return out


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _verb_start(text: str) -> bool:
    text = text.lstrip(" -–+•:;,.")
    if not text or not text[0].isupper() and not text[0].islower():
        return False
    c = _CONNECTIVE.match(text)
    if c:
        text = text[c.end():]
        if not text.strip(" ,.;"):
            return False
    return not (_NON_VERB_START.match(text) or ag.HEAD.match(text))

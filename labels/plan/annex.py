"""The action plan 202/KH-UBND as seed data: its section II task headings and its annex of tasks.

Kế hoạch số 202/KH-UBND of the Đồng Nai Provincial People's Committee, dated 14 September 2022 ("Kế hoạch
hành động về sản xuất và tiêu dùng bền vững trong công nghiệp trên địa bàn tỉnh Đồng Nai giai đoạn
2022-2030", the provincial action plan on sustainable production and consumption in industry, 2022-2030).
The annex ("Danh mục các nhiệm vụ thực hiện Kế hoạch") is held here as the plan states it: every Vietnamese
field is the published wording, cell for cell, and every one has an English translation beside it. The plan
abbreviates "sản xuất và tiêu dùng bền vững" as SX&TDBV; the translations write SPC (sustainable production
and consumption).

How the published table was read:

* The annex numbers its tasks (STT) from 1 within each group of rows; a group belongs to one of the fifteen
  task headings of the plan's section II ("Nhiệm vụ"). Only some groups carry a heading row in the annex;
  the others are placed by content and by their position between headed groups (see the comment above each
  group). Sections 2, 3 and 14 have no annex tasks.
* Section II headings 2, 4 and 8 are missing from the published text; the titles given for them are
  inferred from their sub-items and marked so.
* Some cells are merged across rows or left empty. A task without its own goal or period shares the one of
  the task above it in the same group, and so does a task whose coordinating-agencies cell is merged into
  the row above (an empty one stays empty); each such task says so in a comment.
* "Sản phẩm" (product) is empty throughout the published annex, and several "Nguồn lực thực hiện"
  (funding) cells are empty: those stay empty here.

Framework-free on purpose: plain frozen dataclasses and tuples, importable anywhere. Districts and cities
named as coordinators are not in ``AGENCIES`` (another module lists them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One task heading of the plan's section II ("Nhiệm vụ")."""

    number: int  # the plan's section II number (1..15)
    title_vi: str
    title_en: str


@dataclass(frozen=True)
class Task:
    """One row of the annex."""

    section: int  # Section.number
    number: int  # STT within its annex group (1, 2, ...)
    content_vi: str  # Nội dung nhiệm vụ
    content_en: str
    goal_vi: str  # Mục tiêu ("" only if the plan gives none even by merged cell)
    goal_en: str
    lead: tuple[str, ...]  # agency codes (AGENCIES) of Cơ quan chủ trì, in the plan's order
    lead_vi: str  # the lead cell as written
    coordinating_vi: str  # Cơ quan phối hợp as written ("" if empty)
    coordinating_en: str
    product_vi: str  # Sản phẩm ("" — it is empty throughout the published annex)
    period: str  # "2022-2025", "2026-2030", "2022-2030", "2025-2030" or "yearly" (Hàng năm)
    start_year: int
    end_year: int  # 2030 for "yearly"
    funding: tuple[str, ...]  # codes: "provincial", "central", "enterprise", "socialised", "other-lawful"
    funding_vi: str  # Nguồn lực thực hiện as written ("" if empty)


SECTIONS: tuple[Section, ...] = (
    Section(1, "Hoàn thiện chính sách pháp luật thúc đẩy SX&TDBV", "Improving policy and law to promote SPC"),
    # heading not in the published text; inferred from its sub-items a)-b) (rational exploitation and reduced
    # loss of resources in industry; sustainable use of resources, fuel, materials and renewable energy)
    Section(
        2,
        "Thúc đẩy khai thác, sử dụng bền vững tài nguyên",
        "Promoting the sustainable exploitation and use of resources",
    ),
    Section(
        3,
        "Thiết kế bền vững, thiết kế sinh thái, thiết kế để tái chế, tái sử dụng",
        "Sustainable design, eco-design, design for recycling and reuse",
    ),
    # heading not in the published text; inferred from its sub-items a)-đ) (resource efficiency and cleaner
    # production, sustainable business strategies, industrial symbiosis, sustainable supply chains)
    Section(
        4,
        "Thúc đẩy sản xuất bền vững, sử dụng hiệu quả tài nguyên và sản xuất sạch hơn trong doanh nghiệp",
        "Promoting sustainable production, resource efficiency and cleaner production in enterprises",
    ),
    Section(
        5,
        "Phát triển hệ thống phân phối bền vững, xuất nhập khẩu bền vững",
        "Developing sustainable distribution systems and sustainable import and export",
    ),
    Section(
        6,
        "Thúc đẩy dán nhãn và chứng nhận nhãn sinh thái",
        "Promoting eco-labelling and eco-label certification",
    ),
    Section(
        7,
        "Đẩy mạnh phát triển thị trường bền vững, cung cấp thông tin cho người tiêu dùng",
        "Boosting the development of sustainable markets and providing information to consumers",
    ),
    # heading not in the published text; inferred from its sub-items a)-b) ("mua sắm bền vững", "mua sắm công
    # xanh")
    Section(
        8,
        "Thúc đẩy mua sắm bền vững, mua sắm công xanh",
        "Promoting sustainable procurement and green public procurement",
    ),
    Section(
        9,
        "Nâng cao năng lực, tăng cường giáo dục và thực hành lối sống bền vững",
        "Building capacity and strengthening education in and practice of sustainable lifestyles",
    ),
    Section(
        10,
        "Thúc đẩy áp dụng kinh tế tuần hoàn đối với chất thải",
        "Promoting the application of the circular economy to waste",
    ),
    Section(
        11,
        "Đẩy mạnh truyền thông về sản xuất và tiêu dùng bền vững",
        "Stepping up communication on sustainable production and consumption",
    ),
    Section(
        12,
        "Xây dựng hệ thống dữ liệu thông tin về sản xuất và tiêu dùng bền vững",
        "Building a data and information system on sustainable production and consumption",
    ),
    Section(
        13,
        "Phát triển khoa học công nghệ thúc đẩy sản xuất và tiêu dùng bền vững",
        "Developing science and technology to promote sustainable production and consumption",
    ),
    Section(
        14,
        "Thúc đẩy tiếp cận và hỗ trợ tài chính xanh",
        "Promoting access to and support for green finance",
    ),
    Section(
        15,
        "Đẩy mạnh hợp tác quốc tế về sản xuất và tiêu dùng bền vững",
        "Stepping up international cooperation on sustainable production and consumption",
    ),
)

#: The annex, in annex order.
TASKS: tuple[Task, ...] = (
    # Section 1. The annex gives this group no heading row; placed by content (policy and mechanisms).
    Task(
        section=1,
        number=1,
        content_vi="Phối hợp với các Bộ, ngành trung ương trong việc xây dựng cơ chế, chính sách về SX&TDBV",
        content_en=(
            "Coordinate with the central ministries and sectors in developing mechanisms and policies on SPC"
        ),
        goal_vi=(
            "Ban hành các quy định, quy chế nhằm thúc đẩy việc áp dụng SX&TDBV trong công nghiệp trên địa "
            "bàn tỉnh đạt hiệu quả"
        ),
        goal_en="Issue regulations and rules so that SPC is applied effectively in industry in the province",
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương và các Sở, ban, ngành",
        coordinating_vi="Các Sở, ban, ngành, UBND các huyện, TP",
        coordinating_en=(
            "Provincial departments, boards and sectors; People's Committees of the districts and cities"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "central"),
        funding_vi="Ngân sách tỉnh và TW",
    ),
    Task(
        section=1,
        number=2,
        content_vi=(
            "Tham mưu ban hành mới, sửa đổi, bổ sung các cơ chế, chính sách của tỉnh để thực hiện SX&TDBV"
        ),
        content_en=(
            "Advise on issuing new provincial mechanisms and policies, and on amending and supplementing "
            "existing ones, to implement SPC"
        ),
        # goal shared with task 1 above (merged cell)
        goal_vi=(
            "Ban hành các quy định, quy chế nhằm thúc đẩy việc áp dụng SX&TDBV trong công nghiệp trên địa "
            "bàn tỉnh đạt hiệu quả"
        ),
        goal_en="Issue regulations and rules so that SPC is applied effectively in industry in the province",
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương và các Sở, ban, ngành",
        coordinating_vi="Các Sở, ban, ngành, UBND các huyện, TP",
        coordinating_en=(
            "Provincial departments, boards and sectors; People's Committees of the districts and cities"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    # Section 4. No heading row in the annex; placed by content (SPC models in enterprises, cleaner
    # production) and by position between the groups of sections 1 and 5.
    Task(
        section=4,
        number=1,
        content_vi="Xây dựng, áp dụng 01 đến 10 mô hình SX&TDBV của doanh nghiệp",
        content_en="Build and apply 01 to 10 SPC models in enterprises",
        goal_vi=(
            "Phổ biến, nhân rộng các mô hình về sản xuất sạch hơn, các mô hình sản xuất, tiêu dùng bền vững"
        ),
        goal_en=(
            "Disseminate and replicate cleaner-production models and sustainable production and consumption "
            "models"
        ),
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi=(
            "Các Sở: Khoa học và Công nghệ, Tài nguyên và Môi trường, BQL các KCN, UBND các huyện, TP và "
            "doanh nghiệp"
        ),
        coordinating_en=(
            "The Departments of Science and Technology and of Natural Resources and Environment, the "
            "Industrial Parks Management Board, the People's Committees of the districts and cities, and "
            "enterprises"
        ),
        product_vi="",
        period="2022-2025",
        start_year=2022,
        end_year=2025,
        funding=("provincial", "enterprise"),
        funding_vi="Ngân sách tỉnh, doanh nghiệp",
    ),
    Task(
        section=4,
        number=2,
        content_vi="Xây dựng, áp dụng 01 đến 10 mô hình SX&TDBV của doanh nghiệp",
        content_en="Build and apply 01 to 10 SPC models in enterprises",
        # goal shared with task 1 above (merged cell)
        goal_vi=(
            "Phổ biến, nhân rộng các mô hình về sản xuất sạch hơn, các mô hình sản xuất, tiêu dùng bền vững"
        ),
        goal_en=(
            "Disseminate and replicate cleaner-production models and sustainable production and consumption "
            "models"
        ),
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        # coordinating agencies shared with task 1 above (merged cell)
        coordinating_vi=(
            "Các Sở: Khoa học và Công nghệ, Tài nguyên và Môi trường, BQL các KCN, UBND các huyện, TP và "
            "doanh nghiệp"
        ),
        coordinating_en=(
            "The Departments of Science and Technology and of Natural Resources and Environment, the "
            "Industrial Parks Management Board, the People's Committees of the districts and cities, and "
            "enterprises"
        ),
        product_vi="",
        period="2026-2030",
        start_year=2026,
        end_year=2030,
        funding=("provincial", "enterprise"),
        funding_vi="Ngân sách tỉnh, doanh nghiệp",
    ),
    Task(
        section=4,
        number=3,
        content_vi=(
            "Tổ chức học tập kinh nghiệm về triển khai thực hiện Chương trình tại một số tỉnh, thành phố "
            "trong nước"
        ),
        content_en=(
            "Organise study visits to other provinces and cities in Vietnam to learn from their "
            "implementation of the Programme"
        ),
        # goal shared with task 2 above (merged cell)
        goal_vi=(
            "Phổ biến, nhân rộng các mô hình về sản xuất sạch hơn, các mô hình sản xuất, tiêu dùng bền vững"
        ),
        goal_en=(
            "Disseminate and replicate cleaner-production models and sustainable production and consumption "
            "models"
        ),
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi="Các Sở, ban, ngành, UBND các huyện, TP",
        coordinating_en=(
            "Provincial departments, boards and sectors; People's Committees of the districts and cities"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "enterprise"),
        funding_vi="Ngân sách tỉnh, doanh nghiệp",
    ),
    # Section 5. Heading row in the annex: "Phát triển hệ thống phân phối bền vững, xuất nhập khẩu bền vững".
    Task(
        section=5,
        number=1,
        content_vi=(
            "Tuyên truyền, vận động các cơ sở sản xuất, Trung tâm thương mại, siêu thị, cửa hàng tiện ích, "
            "chợ truyền thống hạn chế sử dụng túi ni lon khó phân hủy và thực hiện kế hoạch chống rác thải "
            "nhựa trong lĩnh vực sản xuất công nghiệp và phân phối tiêu dùng"
        ),
        content_en=(
            "Inform and encourage production facilities, shopping centres, supermarkets, convenience stores "
            "and traditional markets to limit the use of hard-to-degrade plastic bags, and carry out the "
            "plan against plastic waste in industrial production and consumer distribution"
        ),
        goal_vi=(
            "Phấn đấu đến năm 2025: sử dụng 100% túi nilon dễ phân hủy, bao bì thân thiện với môi trường tại "
            "các trung tâm thương mại, siêu thị, cửa hàng tiện lợi phục vụ cho mục đích sinh hoạt thay thế "
            "cho túi nilon khó phân hủy"
        ),
        goal_en=(
            "By 2025: shopping centres, supermarkets and convenience stores use 100% easily degradable "
            "plastic bags and environmentally friendly packaging for everyday purposes in place of "
            "hard-to-degrade plastic bags"
        ),
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi=(
            "Sở Tài nguyên và Môi trường, Sở Tài chính, UBND các huyện, TP , các trung tâm thương mại, siêu "
            "thị, cửa hàng tiện lợi"
        ),
        coordinating_en=(
            "Department of Natural Resources and Environment, Department of Finance, People's Committees of "
            "the districts and cities, shopping centres, supermarkets, convenience stores"
        ),
        product_vi="",
        period="2022-2025",
        start_year=2022,
        end_year=2025,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    Task(
        section=5,
        number=2,
        content_vi=(
            "Kiểm tra, nắm bắt công tác chống rác thải nhựa tại các cơ sở sản xuất công nghiệp và phân phối "
            "tiêu dùng (các trung tâm thương mại, siêu thị, cửa hàng tiện lợi, chợ dân sinh)"
        ),
        content_en=(
            "Inspect and keep track of the work against plastic waste at industrial production and consumer "
            "distribution facilities (shopping centres, supermarkets, convenience stores, local markets)"
        ),
        # goal shared with task 1 above (merged cell)
        goal_vi=(
            "Phấn đấu đến năm 2025: sử dụng 100% túi nilon dễ phân hủy, bao bì thân thiện với môi trường tại "
            "các trung tâm thương mại, siêu thị, cửa hàng tiện lợi phục vụ cho mục đích sinh hoạt thay thế "
            "cho túi nilon khó phân hủy"
        ),
        goal_en=(
            "By 2025: shopping centres, supermarkets and convenience stores use 100% easily degradable "
            "plastic bags and environmentally friendly packaging for everyday purposes in place of "
            "hard-to-degrade plastic bags"
        ),
        lead=("so-tai-nguyen-moi-truong",),
        lead_vi="Sở Tài nguyên và Môi trường",
        coordinating_vi="",
        coordinating_en="",
        product_vi="",
        # period shared with task 1 above (merged cell; the published period cell is empty)
        period="2022-2025",
        start_year=2022,
        end_year=2025,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    Task(
        section=5,
        number=3,
        content_vi=(
            "Hỗ trợ doanh nghiệp triển khai các hoạt động xuất nhập khẩu bền vững; cung cấp thông tin về thị "
            "trường, sản phẩm được dán nhãn sinh thái, thân thiện môi trường; tuyên truyền, phổ biến cho các "
            "doanh nghiệp các tài liệu hướng dẫn cam kết quốc tế về bảo vệ môi trường và phát triển bền vững"
        ),
        content_en=(
            "Support enterprises in sustainable import and export; provide information on markets and on "
            "eco-labelled, environmentally friendly products; publicise and disseminate to enterprises "
            "guidance documents on international commitments on environmental protection and sustainable "
            "development"
        ),
        goal_vi="Thúc đẩy các hoạt động xuất nhập khẩu sản phẩm thân thiện môi trường",
        goal_en="Promote the import and export of environmentally friendly products",
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi=(
            "Sở Thông tin và truyền thông, Sở Tài chính, Tổng cục Hải quan, Sở Tài nguyên và Môi trường, "
            "UBND các huyện, TP và đơn vị liên quan"
        ),
        coordinating_en=(
            "Department of Information and Communications, Department of Finance, General Department of "
            "Customs, Department of Natural Resources and Environment, People's Committees of the districts "
            "and cities, and related units"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "socialised"),
        funding_vi="Ngân sách tỉnh và xã hội hóa",
    ),
    Task(
        section=5,
        number=4,
        content_vi=(
            "Tổ chức tuyên truyền, phổ biến chính sách pháp luật, các mô hình, thực hành tốt về SX&TDBV đối "
            "với các doanh nghiệp trong các KCN, CCN"
        ),
        content_en=(
            "Publicise and disseminate policy and law, models and good practices on SPC to enterprises in "
            "industrial parks (KCN) and industrial clusters (CCN)"
        ),
        goal_vi=(
            "70 % vào năm 2025 và 100% vào năm 2030 các KCN, CCN được phổ biến nâng cao nhận thức về SX&TDBV"
        ),
        goal_en=(
            "70% of industrial parks and clusters by 2025, and 100% by 2030, reached by dissemination "
            "raising awareness of SPC"
        ),
        lead=("bql-cac-kcn", "so-cong-thuong"),
        lead_vi="BQL các KCN/ Sở Công Thương",
        coordinating_vi="Sở Công Thương/ BQL các KCN",
        coordinating_en="Department of Industry and Trade / Industrial Parks Management Board",
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    # Section 6. No heading row in the annex; placed by content (eco-labels).
    Task(
        section=6,
        number=1,
        content_vi=(
            "Phối hợp với các đơn vị thuộc Bộ Công Thương triển khai cung cấp, phổ biến thông tin, nâng cao "
            "năng lực về nhãn sinh thái cho các doanh nghiệp, tổ chức và người tiêu dùng"
        ),
        content_en=(
            "Work with units of the Ministry of Industry and Trade to provide and disseminate information "
            "on, and build capacity in, eco-labels for enterprises, organisations and consumers"
        ),
        goal_vi="Nâng cao hiểu biết về nhãn sinh thái cho các doanh nghiệp, tổ chức và người tiêu dùng",
        goal_en="Improve the understanding of eco-labels among enterprises, organisations and consumers",
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi="Sở Tài nguyên và Môi trường, Sở Tài chính, UBND các huyện, TP , các doanh nghiệp",
        coordinating_en=(
            "Department of Natural Resources and Environment, Department of Finance, People's Committees of "
            "the districts and cities, enterprises"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    Task(
        section=6,
        number=2,
        content_vi=(
            "Vận động, hướng dẫn các cơ sở lưu trú du lịch, cơ sở kinh doanh ăn uống, mua sắm đạt chuẩn phục "
            "vụ du lịch áp dụng nhãn du lịch bền vững, nhãn xanh"
        ),
        content_en=(
            "Encourage and guide tourist accommodation establishments, and food-service and shopping "
            "businesses that meet the standard for serving tourists, to adopt the sustainable tourism label "
            "and the green label"
        ),
        goal_vi=(
            "Nâng cao hiểu biết của các doanh nghiệp du lịch về nhãn sinh thái; đáp ứng các quy định, yêu "
            "cầu quốc tế về nhãn sinh thái đối với các loại hình, sản phẩm du lịch bền vững"
        ),
        goal_en=(
            "Improve tourism businesses' understanding of eco-labels; meet international rules and "
            "requirements on eco-labels for sustainable tourism types and products"
        ),
        lead=("so-van-hoa-the-thao-du-lich",),
        lead_vi="Sở Văn hóa, Thể thao và Du lịch",
        coordinating_vi=(
            "UBND các huyện, TP, các cơ sở lưu trú du lịch, cơ sở kinh doanh ăn uống, mua sắm đạt chuẩn phục "
            "vụ khách du lịch"
        ),
        coordinating_en=(
            "People's Committees of the districts and cities; tourist accommodation establishments; "
            "food-service and shopping businesses that meet the standard for serving tourists"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "enterprise"),
        funding_vi="Ngân sách tỉnh và doanh nghiệp",
    ),
    # Section 7. Heading row in the annex: "Đẩy mạnh phát triển thị trường bền vững, cung cấp thông tin cho
    # người tiêu dùng".
    Task(
        section=7,
        number=1,
        content_vi=(
            "Tuyên truyền nội dung Kế hoạch thực hiện Chương trình trên các phương tiện thông tin đại chúng"
        ),
        content_en="Publicise the content of the Plan implementing the Programme in the mass media",
        goal_vi=(
            "Cung cấp các thông tin về sản phẩm thân thiện môi trường, sản phẩm được dán nhãn sinh thái, góp "
            "phần thúc đẩy tiêu dùng bền vững"
        ),
        goal_en=(
            "Provide information on environmentally friendly products and eco-labelled products, helping to "
            "promote sustainable consumption"
        ),
        lead=("dai-pt-th-dong-nai", "bao-dong-nai"),
        lead_vi="Đài PT-TH Đồng Nai, Báo Đồng Nai",
        coordinating_vi="Các Sở, ban, ngành và UBND các huyện, TP",
        coordinating_en=(
            "Provincial departments, boards and sectors, and People's Committees of the districts and cities"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    Task(
        section=7,
        number=2,
        content_vi=(
            "Xây dựng và triển khai các hoạt động xúc tiến thương mại, kết nối cung cầu, quảng bá sản phẩm "
            "thân thiện môi trường trong các hội chợ đa ngành và chuyên ngành"
        ),
        content_en=(
            "Plan and carry out trade promotion, supply-demand matching and promotion of environmentally "
            "friendly products at multi-sector and specialised trade fairs"
        ),
        # goal shared with task 1 above (merged cell)
        goal_vi=(
            "Cung cấp các thông tin về sản phẩm thân thiện môi trường, sản phẩm được dán nhãn sinh thái, góp "
            "phần thúc đẩy tiêu dùng bền vững"
        ),
        goal_en=(
            "Provide information on environmentally friendly products and eco-labelled products, helping to "
            "promote sustainable consumption"
        ),
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi=(
            "Sở Khoa học và Công nghệ, Tài Nguyên và Môi trường, Tài chính và các đơn vị liên quan"
        ),
        coordinating_en=(
            "Departments of Science and Technology, of Natural Resources and Environment and of Finance, and "
            "related units"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "socialised"),
        funding_vi="Ngân sách tỉnh và xã hội hóa",
    ),
    # Section 8. No heading row in the annex; placed by the group's goal (sustainable procurement) and by
    # position between the groups of sections 7 and 9. Tasks 2-4 (renewable energy, research, clean
    # technology) share task 1's goal and coordinating agencies by merged cells, so they stay in this group.
    Task(
        section=8,
        number=1,
        content_vi=(
            "Xây dựng và tham mưu cho UBND tỉnh kế hoạch vốn đầu tư công trung hạn và hàng năm ưu tiên các "
            "chương trình, dự án phục vụ mua sắm công xanh, hướng đến phát triển bền vững"
        ),
        content_en=(
            "Draft, and advise the Provincial People's Committee on, the medium-term and annual public "
            "investment plans, giving priority to programmes and projects that serve green public "
            "procurement, towards sustainable development"
        ),
        goal_vi=(
            "Đẩy mạnh áp dụng thực hành mua sắm bền vững, hình thành thói quen, tiêu dùng bền vững; tạo động "
            "lực thúc đẩy sản xuất sản phẩm thân thiện môi trường"
        ),
        goal_en=(
            "Step up sustainable procurement practice and build sustainable consumption habits; create an "
            "incentive to produce environmentally friendly products"
        ),
        lead=("so-ke-hoach-dau-tu",),
        lead_vi="Sở Kế hoạch và Đầu tư",
        coordinating_vi="Các Sở, ban, ngành và UBND các huyện, TP",
        coordinating_en=(
            "Provincial departments, boards and sectors, and People's Committees of the districts and cities"
        ),
        product_vi="",
        period="yearly",
        start_year=2022,
        end_year=2030,
        funding=(),
        funding_vi="",
    ),
    Task(
        section=8,
        number=2,
        content_vi="Thu hút các dự án sản xuất năng lượng tái tạo, dự án xử lý tro, xỉ nhà máy nhiệt điện",
        content_en=(
            "Attract renewable energy production projects and projects treating ash and slag from thermal "
            "power plants"
        ),
        # goal shared with task 1 above (merged cell)
        goal_vi=(
            "Đẩy mạnh áp dụng thực hành mua sắm bền vững, hình thành thói quen, tiêu dùng bền vững; tạo động "
            "lực thúc đẩy sản xuất sản phẩm thân thiện môi trường"
        ),
        goal_en=(
            "Step up sustainable procurement practice and build sustainable consumption habits; create an "
            "incentive to produce environmentally friendly products"
        ),
        lead=("so-ke-hoach-dau-tu", "bql-cac-kcn"),
        lead_vi="Sở Kế hoạch và Đầu tư/BQL các KCN",
        # coordinating agencies shared with task 1 above (merged cell)
        coordinating_vi="Các Sở, ban, ngành và UBND các huyện, TP",
        coordinating_en=(
            "Provincial departments, boards and sectors, and People's Committees of the districts and cities"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=(),
        funding_vi="",
    ),
    Task(
        section=8,
        number=3,
        content_vi=(
            "Triển khai các đề án hỗ trợ nghiên cứu khoa học, sáng kiến cải tiến kỹ thuật giảm tiêu hao "
            "nguyên, nhiên liệu, giảm thiểu, tái chế và sử dụng chất thải"
        ),
        content_en=(
            "Carry out schemes supporting scientific research and technical improvement initiatives that "
            "reduce the consumption of raw materials and fuel and that reduce, recycle and use waste"
        ),
        # goal shared with task 2 above (merged cell)
        goal_vi=(
            "Đẩy mạnh áp dụng thực hành mua sắm bền vững, hình thành thói quen, tiêu dùng bền vững; tạo động "
            "lực thúc đẩy sản xuất sản phẩm thân thiện môi trường"
        ),
        goal_en=(
            "Step up sustainable procurement practice and build sustainable consumption habits; create an "
            "incentive to produce environmentally friendly products"
        ),
        lead=("so-khoa-hoc-cong-nghe",),
        lead_vi="Sở Khoa học và Công nghệ",
        # coordinating agencies shared with task 2 above (merged cell)
        coordinating_vi="Các Sở, ban, ngành và UBND các huyện, TP",
        coordinating_en=(
            "Provincial departments, boards and sectors, and People's Committees of the districts and cities"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "enterprise"),
        funding_vi="Ngân sách tỉnh, doanh nghiệp",
    ),
    Task(
        section=8,
        number=4,
        content_vi=(
            "Ứng dụng các công nghệ mới, công nghệ tiên tiến, công nghệ sạch, công nghệ thân thiện môi "
            "trường và loại bỏ các công nghệ lạc hậu, gây ô nhiễm môi trường"
        ),
        content_en=(
            "Apply new, advanced, clean and environmentally friendly technologies and phase out outdated, "
            "polluting technologies"
        ),
        # goal shared with task 3 above (merged cell)
        goal_vi=(
            "Đẩy mạnh áp dụng thực hành mua sắm bền vững, hình thành thói quen, tiêu dùng bền vững; tạo động "
            "lực thúc đẩy sản xuất sản phẩm thân thiện môi trường"
        ),
        goal_en=(
            "Step up sustainable procurement practice and build sustainable consumption habits; create an "
            "incentive to produce environmentally friendly products"
        ),
        lead=("so-khoa-hoc-cong-nghe",),
        lead_vi="Sở Khoa học và Công nghệ",
        # coordinating agencies shared with task 3 above (merged cell)
        coordinating_vi="Các Sở, ban, ngành và UBND các huyện, TP",
        coordinating_en=(
            "Provincial departments, boards and sectors, and People's Committees of the districts and cities"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "enterprise"),
        funding_vi="Ngân sách tỉnh, doanh nghiệp",
    ),
    # Section 9. Heading row in the annex: "Nâng cao năng lực, tăng cường giáo dục và thực hành lối sống bền
    # vững".
    Task(
        section=9,
        number=1,
        content_vi=(
            "Hướng dẫn các đơn vị kinh doanh du lịch các chính sách, tiêu chuẩn về du lịch bền vững; tổ chức "
            "triển khai các mô hình du lịch bền vững, du lịch sinh thái gắn với giới thiệu sản phẩm truyền "
            "thống, thân thiện môi trường (sau khi Bộ Văn hóa, Thể thao và Du lịch hoàn thiện bộ tài liệu "
            "hướng dẫn du lịch bền vững)"
        ),
        content_en=(
            "Guide tourism businesses on sustainable tourism policies and standards; roll out sustainable "
            "tourism and ecotourism models combined with showcasing traditional, environmentally friendly "
            "products (once the Ministry of Culture, Sports and Tourism has completed its set of sustainable "
            "tourism guidance documents)"
        ),
        goal_vi=(
            "Thực hiện mục tiêu quốc gia về phát triển bền vững; khuyến khích sự tham gia của các tổ chức, "
            "cá nhân, doanh nghiệp du lịch thực hiện sản xuất kinh doanh và tiêu dùng bền vững"
        ),
        goal_en=(
            "Meet the national sustainable development goals; encourage organisations, individuals and "
            "tourism businesses to take part in sustainable production, business and consumption"
        ),
        lead=("so-van-hoa-the-thao-du-lich",),
        lead_vi="Sở Văn hóa, Thể thao và Du lịch",
        coordinating_vi="UBND các huyện, TP và các doanh nghiệp kinh doanh du lịch trên địa bàn tỉnh",
        coordinating_en=(
            "People's Committees of the districts and cities, and tourism businesses in the province"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    Task(
        section=9,
        number=2,
        content_vi=(
            "Thông tin, vận động doanh nghiệp tham gia các chương trình đào tạo trực tuyến trong nước và "
            "quốc tế về SX&TDBV; các khóa đào tạo về sử dụng hiệu quả tài nguyên và sản xuất sạch hơn, nhãn "
            "sinh thái và thiết kế bền vững, về tiếp cận và phát triển thị trường bền vững do Bộ Công Thương "
            "tổ chức"
        ),
        content_en=(
            "Inform and encourage enterprises to join domestic and international online training programmes "
            "on SPC, and the training courses on resource efficiency and cleaner production, on eco-labels "
            "and sustainable design, and on accessing and developing sustainable markets organised by the "
            "Ministry of Industry and Trade"
        ),
        goal_vi="Nâng cao năng lực, trình độ chuyên môn kỹ thuật, kỹ năng về SX&TDBV",
        goal_en="Build capacity, technical expertise and skills in SPC",
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi="Các Sở, ban, ngành và doanh nghiệp",
        coordinating_en="Provincial departments, boards and sectors, and enterprises",
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=(),
        funding_vi="",
    ),
    Task(
        section=9,
        number=3,
        content_vi=(
            "Tuyên truyền đến các trường học, cơ sở giáo dục, đào tạo nghề nghiệp trên địa bàn tỉnh xây dựng "
            "và lồng ghép các nội dung về SX&TDBV trong nội dung chương trình sinh hoạt đầu khóa cho học "
            "sinh, sinh viên"
        ),
        content_en=(
            "Encourage schools and education and vocational training institutions in the province to prepare "
            "SPC content and include it in the start-of-course orientation programme for pupils and students"
        ),
        goal_vi="Thúc đẩy thực hành lối sống bền vững, hài hòa với thiên nhiên và bảo vệ môi trường",
        goal_en=(
            "Promote the practice of a sustainable lifestyle, in harmony with nature and protecting the "
            "environment"
        ),
        lead=("so-giao-duc-dao-tao", "so-lao-dong-tbxh"),
        lead_vi="Sở Giáo dục và Đào tạo/ Sở Lao động - Thương binh và xã hội",
        coordinating_vi="Các trường học, cơ sở giáo dục nghề nghiệp trên địa bàn tỉnh",
        coordinating_en="Schools and vocational education institutions in the province",
        product_vi="",
        period="yearly",
        start_year=2022,
        end_year=2030,
        funding=(),
        funding_vi="",
    ),
    # Section 10. No heading row in the annex; placed by content (energy efficiency, circular economy, waste).
    Task(
        section=10,
        number=1,
        content_vi=(
            "Triển khai thực hiện Kế hoạch thực hiện Chương trình quốc gia về sử dụng năng lượng tiết kiệm "
            "và hiệu quả trên địa bàn tỉnh giai đoạn 2021-2030"
        ),
        content_en=(
            "Carry out the provincial plan implementing the National Programme on energy saving and "
            "efficiency in the province, 2021-2030"
        ),
        goal_vi=(
            "Thúc đẩy áp dụng kinh tế tuần hoàn góp phần sử dụng hiệu quả năng lượng, nguyên nhiên vật liệu "
            "và bảo vệ môi trường"
        ),
        goal_en=(
            "Promote the circular economy, contributing to the efficient use of energy, raw materials and "
            "fuel, and to environmental protection"
        ),
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi=(
            "Các Sở, ban, ngành, UBND các huyện, TP và các đơn vị hoạt động điện lực, doanh nghiệp"
        ),
        coordinating_en=(
            "Provincial departments, boards and sectors; People's Committees of the districts and cities; "
            "power-sector units and enterprises"
        ),
        product_vi="",
        period="yearly",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    Task(
        section=10,
        number=2,
        content_vi=(
            "Tuyên truyền, phổ biến và nhân rộng các thực hành tốt về thu gom, giảm thiểu và tái sử dụng "
            "chất thải trên địa bàn tỉnh"
        ),
        content_en=(
            "Publicise, disseminate and replicate good practices in waste collection, reduction and reuse in "
            "the province"
        ),
        # goal shared with task 1 above (merged cell)
        goal_vi=(
            "Thúc đẩy áp dụng kinh tế tuần hoàn góp phần sử dụng hiệu quả năng lượng, nguyên nhiên vật liệu "
            "và bảo vệ môi trường"
        ),
        goal_en=(
            "Promote the circular economy, contributing to the efficient use of energy, raw materials and "
            "fuel, and to environmental protection"
        ),
        lead=("so-tai-nguyen-moi-truong",),
        lead_vi="Sở Tài nguyên và Môi trường",
        coordinating_vi="Các Sở, ban, ngành, UBND các huyện, TP và doanh nghiệp",
        coordinating_en=(
            "Provincial departments, boards and sectors; People's Committees of the districts and cities; "
            "and enterprises"
        ),
        product_vi="",
        # the published cell reads "2022-20303", an obvious typo for 2022-2030
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    # Section 11. No heading row in the annex; placed by content (communication).
    Task(
        section=11,
        number=1,
        content_vi=(
            "Xây dựng tài liệu, tổ chức tuyên truyền, phổ biến chính sách pháp luật, các mô hình, thực hành "
            "tốt về SX&TDBV tại địa phương"
        ),
        content_en=(
            "Prepare materials and publicise and disseminate policy and law, models and good practices on "
            "SPC locally"
        ),
        goal_vi="Nâng cao nhận thức của cộng đồng, doanh nghiệp, tổ chức, cá nhân về SX&TDBV",
        goal_en="Raise awareness of SPC among the community, enterprises, organisations and individuals",
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi="Các Sở, ban, ngành, UBND các huyện, TP và doanh nghiệp",
        coordinating_en=(
            "Provincial departments, boards and sectors; People's Committees of the districts and cities; "
            "and enterprises"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    Task(
        section=11,
        number=2,
        content_vi=(
            "Xuất bản, in ấn tài liệu, sổ tay, cẩm nang tuyên truyền, phổ biến chính sách, pháp luật, kiến "
            "thức và thông tin về SX&TDBV"
        ),
        content_en=(
            "Publish and print materials, notebooks and handbooks publicising and disseminating policy, law, "
            "knowledge and information on SPC"
        ),
        # goal shared with task 1 above (merged cell)
        goal_vi="Nâng cao nhận thức của cộng đồng, doanh nghiệp, tổ chức, cá nhân về SX&TDBV",
        goal_en="Raise awareness of SPC among the community, enterprises, organisations and individuals",
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi="Các Sở, ban, ngành, UBND các huyện, TP và doanh nghiệp",
        coordinating_en=(
            "Provincial departments, boards and sectors; People's Committees of the districts and cities; "
            "and enterprises"
        ),
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    # Section 12. Heading row in the annex: "Xây dựng hệ thống dữ liệu thông tin về sản xuất và tiêu dùng bền
    # vững".
    Task(
        section=12,
        number=1,
        content_vi="Xây dựng và vận hành cơ sở dữ liệu về mạng lưới SX&TDBV",
        content_en="Build and operate a database on the SPC network",
        goal_vi=(
            "Hình thành và phát triển cơ sở dữ liệu thông tin hiện đại đáp ứng yêu cầu về quản lý, thực hành "
            "về SX&TDBV"
        ),
        goal_en=(
            "Establish and develop a modern information database that meets the needs of SPC management and "
            "practice"
        ),
        lead=("so-cong-thuong",),
        lead_vi="Sở Công Thương",
        coordinating_vi="Các Sở, ban, ngành, địa phương và doanh nghiệp",
        coordinating_en="Provincial departments, boards and sectors, localities and enterprises",
        product_vi="",
        period="2025-2030",
        start_year=2025,
        end_year=2030,
        funding=("provincial",),
        funding_vi="Ngân sách tỉnh",
    ),
    # Section 13. Heading row in the annex: "Phát triển khoa học công nghệ thúc đẩy sản xuất và tiêu dùng bền
    # vững".
    Task(
        section=13,
        number=1,
        content_vi=(
            "Lồng ghép nhiệm vụ khoa học công nghệ thúc đẩy SX&TDBV trong việc thực hiện các chương trình "
            "KH&CN trọng điểm của tỉnh gồm: chương trình đổi mới công nghệ, chương trình nâng cao năng suất "
            "và chất lượng sản phẩm, hàng hóa trọng điểm, chủ lực, chương trình đẩy mạnh hợp tác trong nước "
            "và quốc tế về KH&CN"
        ),
        content_en=(
            "Integrate science and technology tasks that promote SPC into the province's key science and "
            "technology (KH&CN) programmes: the technology innovation programme, the programme to raise the "
            "productivity and quality of key and flagship products and goods, and the programme to step up "
            "domestic and international cooperation in science and technology"
        ),
        goal_vi=(
            "Thúc đẩy đổi mới sáng tạo và áp dụng KHCN hiện đại theo hướng kinh tế tuần hoàn nhằm nâng cao "
            "hiệu quả sản xuất, sử dụng hiệu quả bền vững tài nguyên và bảo vệ môi trường"
        ),
        goal_en=(
            "Promote innovation and the application of modern science and technology towards a circular "
            "economy, to raise production efficiency, use resources efficiently and sustainably, and protect "
            "the environment"
        ),
        lead=("so-khoa-hoc-cong-nghe",),
        lead_vi="Sở Khoa học và Công nghệ",
        coordinating_vi="Các Sở, ban, ngành, các doanh nghiệp",
        coordinating_en="Provincial departments, boards and sectors, and enterprises",
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "other-lawful"),
        funding_vi="Ngân sách tỉnh và các nguồn vốn hợp pháp khác",
    ),
    # Section 15. No heading row in the annex; placed by content (Sở Ngoại vụ, international cooperation).
    Task(
        section=15,
        number=1,
        content_vi=(
            "Tham mưu UBND tỉnh tổ chức các đoàn công tác tham gia các hội nghị, hội thảo, diễn đàn về "
            "SX&TDBV trong khu vực và quốc tế"
        ),
        content_en=(
            "Advise the Provincial People's Committee on sending delegations to regional and international "
            "conferences, workshops and forums on SPC"
        ),
        goal_vi="Nâng cao năng lực quản lý về SX&TDBV",
        goal_en="Strengthen management capacity in SPC",
        lead=("so-ngoai-vu",),
        lead_vi="Sở Ngoại vụ",
        coordinating_vi="Các Sở, ban, ngành và đơn vị liên quan",
        coordinating_en="Provincial departments, boards and sectors, and related units",
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "socialised"),
        funding_vi="Ngân sách tỉnh và xã hội hóa",
    ),
    Task(
        section=15,
        number=2,
        content_vi=(
            "Hỗ trợ kết nối các cơ quan đại diện ngoại giao ở nước ngoài, các tổ chức quốc tế để xây dựng "
            "chương trình kết nối hợp tác bền vững giữa doanh nghiệp, tổ chức trong nước với các doanh "
            "nghiệp, tổ chức quốc tế trong lĩnh vực SX&TDBV phù hợp quy định, cam kết hội nhập quốc tế"
        ),
        content_en=(
            "Help connect with diplomatic missions abroad and international organisations to build a "
            "programme of sustainable cooperation linking domestic enterprises and organisations with "
            "international enterprises and organisations in SPC, consistent with the rules and commitments "
            "of international integration"
        ),
        goal_vi=(
            "Tạo điều kiện cho các doanh nghiệp, tổ chức trong nước trao đổi, hợp tác với các doanh nghiệp, "
            "tổ chức quốc tế trong các lĩnh vực SX&TDBV"
        ),
        goal_en=(
            "Enable domestic enterprises and organisations to exchange and cooperate with international "
            "enterprises and organisations in SPC fields"
        ),
        lead=("so-ngoai-vu",),
        lead_vi="Sở Ngoại vụ",
        coordinating_vi="Các Sở, ban, ngành và đơn vị liên quan",
        coordinating_en="Provincial departments, boards and sectors, and related units",
        product_vi="",
        period="2022-2030",
        start_year=2022,
        end_year=2030,
        funding=("provincial", "socialised"),
        funding_vi="Ngân sách tỉnh và xã hội hóa",
    ),
)

#: Lead agencies of the annex, and the provincial bodies it names as coordinators:
#: code -> (name_vi, name_en, kind), kind one of "department", "board", "media", "district".
AGENCIES: dict[str, tuple[str, str, str]] = {
    "so-cong-thuong": ("Sở Công Thương", "Department of Industry and Trade", "department"),
    "so-tai-nguyen-moi-truong": (
        "Sở Tài nguyên và Môi trường",
        "Department of Natural Resources and Environment",
        "department",
    ),
    "so-khoa-hoc-cong-nghe": (
        "Sở Khoa học và Công nghệ",
        "Department of Science and Technology",
        "department",
    ),
    "so-van-hoa-the-thao-du-lich": (
        "Sở Văn hóa, Thể thao và Du lịch",
        "Department of Culture, Sports and Tourism",
        "department",
    ),
    "so-ke-hoach-dau-tu": ("Sở Kế hoạch và Đầu tư", "Department of Planning and Investment", "department"),
    "so-giao-duc-dao-tao": ("Sở Giáo dục và Đào tạo", "Department of Education and Training", "department"),
    "so-lao-dong-tbxh": (
        "Sở Lao động - Thương binh và Xã hội",
        "Department of Labour, Invalids and Social Affairs",
        "department",
    ),
    "so-ngoai-vu": ("Sở Ngoại vụ", "Department of Foreign Affairs", "department"),
    "so-tai-chinh": ("Sở Tài chính", "Department of Finance", "department"),
    "so-thong-tin-truyen-thong": (
        "Sở Thông tin và Truyền thông",
        "Department of Information and Communications",
        "department",
    ),
    "bql-cac-kcn": ("Ban Quản lý các Khu công nghiệp", "Industrial Parks Management Board", "board"),
    "dai-pt-th-dong-nai": ("Đài Phát thanh - Truyền hình Đồng Nai", "Đồng Nai Radio and Television", "media"),
    "bao-dong-nai": ("Báo Đồng Nai", "Đồng Nai Newspaper", "media"),
}

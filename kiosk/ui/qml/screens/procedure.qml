import QtQuick
import "../components"

Item {
    id: screen
    objectName: "screen_procedure"
    readonly property bool showingDetails: guide.preview.code !== undefined
    // The groups' labels: 55 mm, wider only when one word ("registration") would not fit on a line.
    FontMetrics { id: groupFont; font.pixelSize: units.body_px; font.bold: true }
    readonly property real groupWidth: widestGroupWord(flow.procedures, groupFont.font)
    function widestGroupWord(groups, font) {
        let width = units.mm(55)
        for (let i = 0; i < groups.length; i++) {
            const words = groups[i].group.split(" ")
            for (let j = 0; j < words.length; j++)
                width = Math.max(width, Math.ceil(groupFont.advanceWidth(words[j])) + 2)
        }
        return width
    }
    Item {
        id: header
        visible: !screen.showingDetails
        width: parent.width
        height: Math.max(title.implicitHeight, back.implicitHeight)
        Heading {
            id: title
            anchors.verticalCenter: parent.verticalCenter
            width: parent.width - back.width - units.mm(6)
            text: i18n.t.procedure_title
        }
        KButton {
            id: back
            objectName: "backButton"
            anchors.right: parent.right
            anchors.verticalCenter: parent.verticalCenter
            kind: "secondary"
            text: i18n.t.nav_back
            onClicked: flow.back()
        }
    }
    Flickable {
        id: flick
        visible: !screen.showingDetails
        anchors.top: header.bottom
        anchors.topMargin: units.mm(3)
        anchors.bottom: parent.bottom
        width: parent.width
        contentHeight: col.height + units.mm(14)  // room to scroll the last item past the hint
        clip: true
        Column {
            id: col
            width: parent.width
            spacing: units.mm(5)
            Repeater {
                model: flow.procedures
                Row {
                    required property var modelData
                    width: col.width
                    spacing: units.mm(4)
                    Body {
                        id: groupLabel
                        width: screen.groupWidth
                        text: modelData.group
                        font.bold: true
                        color: theme.c.muted
                    }
                    Column {
                        width: col.width - groupLabel.width - units.mm(4)
                        spacing: units.mm(3)
                        Repeater {
                            model: modelData.items
                            KButton {
                                required property var modelData
                                objectName: "proc_" + modelData.code
                                width: parent.width
                                text: modelData.title
                                sub: modelData.summary
                                onClicked: guide.preview_procedure(modelData.code)
                            }
                        }
                    }
                }
            }
        }
    }
    ScrollHint {
        flick: flick
        visible: !screen.showingDetails && flick.contentHeight > flick.height + 1 && !flick.atYEnd
    }

    // Before login: what this procedure asks of the citizen (shown and spoken).
    Flickable {
        id: details
        objectName: "procedureDetails"
        visible: screen.showingDetails
        anchors.top: parent.top
        anchors.bottom: detailsNav.top
        anchors.bottomMargin: units.mm(4)
        width: parent.width
        contentHeight: facts.implicitHeight
        clip: true
        Column {
            id: facts
            width: parent.width
            spacing: units.mm(5)
            Heading {
                objectName: "detailsTitle"
                text: screen.showingDetails ? i18n.t.info_title.replace("%1", guide.preview.title) : ""
            }
            Repeater {
                model: screen.showingDetails ? [
                    { name: "detailsFee", label: i18n.t.info_fee_label, value: guide.preview.fee },
                    { name: "detailsTime", label: i18n.t.info_time_label, value: guide.preview.time },
                    { name: "detailsDocuments", label: i18n.t.info_documents_label,
                      value: guide.preview.documents.join("\n") },
                    { name: "detailsReturn", label: i18n.t.info_return_label, value: guide.preview.come_back }
                ] : []
                Rectangle {
                    required property var modelData
                    objectName: modelData.name
                    width: facts.width
                    height: fact.implicitHeight + units.mm(8)
                    color: theme.c.surface
                    border.color: theme.c.border
                    border.width: units.mm(0.5)
                    radius: units.mm(2)
                    Column {
                        id: fact
                        anchors.centerIn: parent
                        width: parent.width - units.mm(8)
                        spacing: units.mm(2)
                        Body {
                            text: modelData.label
                            font.bold: true
                            color: theme.c.muted
                        }
                        Body {
                            text: modelData.value
                            font.pixelSize: units.body_px * 1.1
                        }
                    }
                }
            }
        }
    }
    ScrollHint {
        flick: details
        visible: screen.showingDetails && details.contentHeight > details.height + 1 && !details.atYEnd
    }
    NavBar {
        id: detailsNav
        visible: screen.showingDetails
        anchors.bottom: parent.bottom
        width: parent.width
        backText: i18n.t.info_other
        backName: "procedureOther"
        nextName: "procedureGo"
        nextText: i18n.t.info_go
        onBack: guide.close_preview()
        onNext: guide.go()
    }
}
